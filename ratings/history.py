"""Match histories: reading a results CSV (and an altitude table) into flat arrays.

A results CSV needs the columns ``date, home_team, away_team, home_score, away_score``.
Optional columns are used when present:

- ``home_score_90`` / ``away_score_90``: 90-minute scores, preferred over the plain scores
  (the CONMEBOL club-cup file records extra time in ``home_score``);
- ``neutral``: TRUE/FALSE (also true/false, yes/no, 1/0; empty means not neutral);
- ``tournament`` (or ``competition``): sets the match importance (K factor);
- ``home_country`` / ``away_country``: the league of each club (a new club may enter at
  its league's current mean rating, see ``EloParams.entry_by_country``);
- ``season``: season label for the between-season regression (default: calendar year);
- ``venue_altitude_m`` (or ``altitude_m``), ``home_altitude_m``, ``away_altitude_m``:
  altitudes in metres. When the file has them they are used for that row and side; the
  altitude table (``altitudes``) is looked up only for a side whose cell is missing or
  empty. A home match (``neutral`` false) with no venue altitude is played at the home
  side's altitude; a neutral match with no venue altitude means no climb for either side;
- ``stage``, ``round``, ``leg``: kept as text per match (``""`` when absent) so a model can
  pair the two legs of a tie; ``leg`` is ``1``, ``2`` (any whole number), ``RR`` (round
  robin), ``single`` or empty.

The Copa Perú file of the shared data (``copa_peru_matches.csv``: season, stage, round, leg,
neutral TRUE/FALSE and the three altitude columns) reads as it is, without an altitude table.

Extra columns are ignored. Every problem a user can cause raises
:class:`ratings.errors.DataError` naming the file, the row (header = row 1), the column and
a hint: dates must be real calendar dates in 1850-2100, scores whole numbers 0-50 (the
largest in the shared data is 31), altitudes finite metres in -500..6000, a club may not
meet itself (names compared without case, accents or extra spaces).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ratings.errors import DataError

__all__ = [
    "MatchHistory",
    "parse_date",
    "read_altitudes",
    "read_results",
    "to_day",
]

_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0", ""}

# First name found wins: 90-minute scores beat scores after extra time.
_SCORE_COLUMNS = (("home_score_90", "away_score_90"), ("home_score", "away_score"))
_TOURNAMENT_COLUMNS = ("tournament", "competition")
_VENUE_ALTITUDE_COLUMNS = ("venue_altitude_m", "venue_altitude", "altitude_m")


# Fields of MatchHistory holding one value per match (selected together by ``take``).
_PER_MATCH_FIELDS = (
    "dates",
    "home_team",
    "away_team",
    "home_goals",
    "away_goals",
    "neutral",
    "tournament",
    "season",
    "climb_home_m",
    "climb_away_m",
    "venue_altitude_m",
    "stage",
    "round",
    "leg",
    "home_idx",
    "away_idx",
    "lines",
)


@dataclass(frozen=True, eq=False)
class MatchHistory:
    """A chronologically sorted list of matches as flat arrays (length ``n`` each).

    Attributes
    ----------
    source : where the matches came from (file path or a description).
    dates : datetime64[D][n]; match dates, non-decreasing.
    home_team, away_team : object[n] of str; club names as written in the file.
    home_goals, away_goals : int64[n]; goals after 90 minutes where the file has them.
    neutral : bool[n]; true for a neutral venue (no home advantage).
    tournament : object[n] of str; competition name ("" when the file has none).
    season : object[n] of str; season label (calendar year unless the file has a column).
    climb_home_m, climb_away_m : float64[n]; metres each side climbs from its home city to
        the venue (negative: descends). Zero when unknown (no altitude data, or a neutral
        venue of unknown altitude).
    venue_altitude_m : float64[n]; venue altitude, NaN when unknown.
    stage, round, leg : object[n] of str; the file's ``stage``, ``round`` and ``leg``
        columns ("" when the file has none); ``leg`` is normalised to ``"1"``, ``"2"``, ...,
        ``"RR"``, ``"single"`` or ``""``.
    has_altitude : whether altitudes were supplied at all.
    clubs : tuple of the club names, sorted; ``home_idx``/``away_idx`` index into it.
    home_idx, away_idx : int32[n].
    lines : int64[n]; line of each match in the source file (for messages).
    club_country : tuple of str, the country (league) of each club from the file's
        ``home_country``/``away_country`` columns ("" when unknown); used to let a new club
        enter at its league's rating (``EloParams.entry_by_country``).
    """

    source: str
    dates: np.ndarray
    home_team: np.ndarray
    away_team: np.ndarray
    home_goals: np.ndarray
    away_goals: np.ndarray
    neutral: np.ndarray
    tournament: np.ndarray
    season: np.ndarray
    climb_home_m: np.ndarray
    climb_away_m: np.ndarray
    venue_altitude_m: np.ndarray
    stage: np.ndarray
    round: np.ndarray
    leg: np.ndarray
    has_altitude: bool
    clubs: tuple[str, ...]
    home_idx: np.ndarray
    away_idx: np.ndarray
    lines: np.ndarray
    club_country: tuple[str, ...] = ()

    def club_groups(self) -> np.ndarray:
        """int32[n_clubs]: index of each club's country, -1 when unknown."""
        countries = self.club_country or ("",) * len(self.clubs)
        names = sorted({c for c in countries if c})
        index = {name: i for i, name in enumerate(names)}
        return np.array([index.get(c, -1) for c in countries], dtype=np.int32)

    def __len__(self) -> int:
        return int(self.dates.shape[0])

    def outcome(self) -> np.ndarray:
        """Observed outcome index per match: 0 home win, 1 draw, 2 away win (int64[n])."""
        return np.where(
            self.home_goals > self.away_goals, 0, np.where(self.home_goals == self.away_goals, 1, 2)
        ).astype(np.int64)

    def new_season(self) -> np.ndarray:
        """bool[n]: true where a match opens a season other than the previous match's."""
        flags = np.zeros(len(self), dtype=np.bool_)
        if len(self) > 1:
            flags[1:] = self.season[1:] != self.season[:-1]
        return flags

    def take(self, selection: np.ndarray | slice) -> MatchHistory:
        """A history of the selected matches (bool mask, index array or slice).

        The club list is kept, so ``home_idx``/``away_idx`` stay valid; select in date
        order (a mask or slice does) to keep the history sorted.
        """
        arrays = {name: getattr(self, name)[selection] for name in _PER_MATCH_FIELDS}
        return _replace(self, **arrays)

    def without_altitude(self) -> MatchHistory:
        """The same matches with every climb set to zero (the model "without altitude")."""
        zeros = np.zeros(len(self), dtype=np.float64)
        return _replace(self, climb_home_m=zeros, climb_away_m=zeros.copy(), has_altitude=False)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, object]],
        source: str = "<records>",
    ) -> MatchHistory:
        """Build a history from dicts with the CSV column names (used by tests and tools).

        Each record needs ``date`` (ISO string or ``datetime.date``), ``home_team``,
        ``away_team``, ``home_score``, ``away_score``; ``neutral``, ``tournament``,
        ``season``, ``climb_home_m``, ``climb_away_m``, ``home_country``,
        ``away_country``, ``stage``, ``round`` and ``leg`` are optional.
        """
        rows = list(records)
        dates = np.array([np.datetime64(str(r["date"]), "D") for r in rows], dtype="datetime64[D]")
        n = len(rows)
        climb_home = np.array([float(r.get("climb_home_m", 0.0)) for r in rows])  # type: ignore[arg-type]
        climb_away = np.array([float(r.get("climb_away_m", 0.0)) for r in rows])  # type: ignore[arg-type]
        has_alt = any(("climb_home_m" in r) or ("climb_away_m" in r) for r in rows)
        return _assemble(
            source=source,
            dates=dates,
            home=[str(r["home_team"]) for r in rows],
            away=[str(r["away_team"]) for r in rows],
            home_goals=np.array([int(r["home_score"]) for r in rows], dtype=np.int64),  # type: ignore[call-overload]
            away_goals=np.array([int(r["away_score"]) for r in rows], dtype=np.int64),  # type: ignore[call-overload]
            neutral=np.array([bool(r.get("neutral", False)) for r in rows], dtype=np.bool_),
            tournament=[str(r.get("tournament", "")) for r in rows],
            season=[str(r["season"]) if "season" in r else "" for r in rows],
            climb_home=climb_home if n else np.zeros(0),
            climb_away=climb_away if n else np.zeros(0),
            venue_alt=np.full(n, np.nan),
            stage=[str(r.get("stage", "")) for r in rows],
            round_=[str(r.get("round", "")) for r in rows],
            leg=[str(r.get("leg", "")) for r in rows],
            has_altitude=has_alt,
            lines=np.arange(1, n + 1, dtype=np.int64),
            country={
                str(r[side + "_team"]): str(r[side + "_country"])
                for r in rows
                for side in ("home", "away")
                if side + "_country" in r
            },
        )


def _replace(history: MatchHistory, **changes: object) -> MatchHistory:
    from dataclasses import replace

    return replace(history, **changes)  # type: ignore[arg-type]


#: Dates a match may carry: the first international match was played in 1872; a later
#: year than 2100 is a typo (e.g. 20066-12-08 or a day-first date read as a year).
_FIRST_YEAR, _LAST_YEAR = 1850, 2100
#: Most goals one side may score. The shared data's largest is 31 (Australia v American
#: Samoa, 2001); a number beyond this is a typo (500 for 5:0) or not a football score.
MAX_GOALS = 50
#: Altitude range of a venue or home city, metres: below the Dead Sea shore is impossible,
#: above 6,000 m nobody plays football; feet or kilometres fall outside.
MIN_ALTITUDE_M, MAX_ALTITUDE_M = -500.0, 6000.0

_DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2004-12-31"


def parse_date(text: str, what: str = "date") -> np.datetime64:
    """Parse an ISO date (YYYY-MM-DD) into datetime64[D]; DataError with a hint otherwise.

    ``what`` names where the text came from (an option such as ``--fit-until``).
    """
    return _date(text, file=what)


def _date(
    text: str | None,
    *,
    file: str,
    row: int | None = None,
    column: str | None = None,
) -> np.datetime64:
    value = (text or "").strip()
    try:
        day = dt.date.fromisoformat(value)
    except (ValueError, TypeError):
        raise DataError(
            f"{text!r} is not a date", file=file, row=row, column=column, hint=_DATE_HINT
        ) from None
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise DataError(
            f"{text!r} is outside the years {_FIRST_YEAR}-{_LAST_YEAR}",
            file=file,
            row=row,
            column=column,
            hint=f"check the year; {_DATE_HINT}",
        )
    return np.datetime64(day, "D")


def to_day(value: object, what: str = "date") -> np.datetime64:
    """A date given as ISO text, ``datetime.date`` or datetime64, as datetime64[D]."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    if isinstance(value, dt.date):
        return np.datetime64(value.isoformat(), "D")
    return parse_date(str(value), what)


def read_altitudes(path: str | Path) -> dict[str, float]:
    """Read an altitude table with columns ``club,altitude_m`` (extra columns ignored).

    Returns
    -------
    dict mapping club name to its home city's altitude in metres.

    Raises
    ------
    DataError : the file cannot be read, lacks a column, or a row is bad (naming the row).
    """
    path = Path(path)
    file = str(path)
    altitudes: dict[str, float] = {}
    rows_of: dict[str, int] = {}
    reader = _reader(path, ("club", "altitude_m"))
    for row in _rows(reader, path):
        line = reader.line_num
        _check_width(row, file, line, ("club", "altitude_m"))
        club = (row.get("club") or "").strip()
        if not club:
            raise DataError(
                "empty club name", file=file, row=line, column="club", hint="fill the club column"
            )
        altitude = _metres(row.get("altitude_m"), file, line, "altitude_m", empty_ok=False)
        if club in altitudes and altitudes[club] != altitude:
            raise DataError(
                f"club {club!r} is listed again (row {rows_of[club]}) with another altitude",
                file=file,
                row=line,
                column="club",
                hint="keep one row per club",
            )
        altitudes[club] = altitude
        rows_of.setdefault(club, line)
    if not altitudes:
        raise DataError(
            "no clubs", file=file, row=1, hint="the file has a header but no rows: add club rows"
        )
    return altitudes


def read_results(
    path: str | Path,
    altitudes: Mapping[str, float] | str | Path | None = None,
) -> MatchHistory:
    """Read a results CSV into a :class:`MatchHistory`, sorted by date (stable).

    Parameters
    ----------
    path : the results CSV (see the module docstring for its columns).
    altitudes : club -> altitude in metres, or the path of an altitude table. It fills the
        sides whose altitude the file does not give. Without it (and without altitude
        columns in the file) every climb is zero: no altitude effect.

    Raises
    ------
    DataError : missing or unreadable file, missing column, or a bad row (naming its row
        and column).
    """
    path = Path(path)
    file = str(path)
    altitude_path: Path | None = None
    if isinstance(altitudes, str | Path):
        altitude_path = Path(altitudes)
        altitudes = read_altitudes(altitude_path)

    dates: list[np.datetime64] = []
    home: list[str] = []
    away: list[str] = []
    home_goals: list[int] = []
    away_goals: list[int] = []
    neutral: list[bool] = []
    tournament: list[str] = []
    season: list[str] = []
    lines: list[int] = []
    country: dict[str, str] = {}
    alt_home: list[float] = []
    alt_away: list[float] = []
    alt_venue: list[float] = []
    stage: list[str] = []
    round_: list[str] = []
    leg: list[str] = []

    reader = _reader(path, ("date", "home_team", "away_team"))
    names = list(reader.fieldnames or [])
    score_cols = next((pair for pair in _SCORE_COLUMNS if set(pair) <= set(names)), None)
    if score_cols is None:
        raise DataError(
            "no score columns",
            file=file,
            row=1,
            hint="add home_score and away_score (or home_score_90 and away_score_90); "
            f"the header has {', '.join(names)}",
        )
    required = ("date", "home_team", "away_team", *score_cols)
    tournament_col = next((c for c in _TOURNAMENT_COLUMNS if c in names), None)
    venue_col = next((c for c in _VENUE_ALTITUDE_COLUMNS if c in names), None)
    has_season = "season" in names
    has_neutral = "neutral" in names
    has_country = "home_country" in names and "away_country" in names
    has_home_alt = "home_altitude_m" in names
    has_away_alt = "away_altitude_m" in names
    for row in _rows(reader, path):
        line = reader.line_num
        _check_width(row, file, line, required)
        date = _date(row["date"], file=file, row=line, column="date")
        h = (row["home_team"] or "").strip()
        a = (row["away_team"] or "").strip()
        for club, column in ((h, "home_team"), (a, "away_team")):
            if not club:
                raise DataError(
                    "empty team name",
                    file=file,
                    row=line,
                    column=column,
                    hint="fill home_team and away_team",
                )
        if _fold(h) == _fold(a):
            raise DataError(
                f"{h!r} plays itself" + (f" ({a!r})" if h != a else ""),
                file=file,
                row=line,
                column="away_team",
                hint="check the team names; a club cannot meet itself",
            )
        hg = _goals(row[score_cols[0]], file, line, score_cols[0])
        ag = _goals(row[score_cols[1]], file, line, score_cols[1])
        is_neutral = False
        if has_neutral:
            flag = (row["neutral"] or "").strip().lower()
            if flag in _TRUE:
                is_neutral = True
            elif flag not in _FALSE:
                raise DataError(
                    f"{row['neutral']!r} is not TRUE or FALSE",
                    file=file,
                    row=line,
                    column="neutral",
                    hint="write TRUE, FALSE or leave it empty",
                )
        venue = np.nan
        if venue_col is not None:
            venue = _metres(row[venue_col], file, line, venue_col)
        ha = aa = np.nan
        if has_home_alt:
            ha = _metres(row["home_altitude_m"], file, line, "home_altitude_m")
        if has_away_alt:
            aa = _metres(row["away_altitude_m"], file, line, "away_altitude_m")
        if altitudes is not None:
            if np.isnan(ha):
                ha = _lookup(altitudes, h, file, line, "home_team", altitude_path)
            if np.isnan(aa):
                aa = _lookup(altitudes, a, file, line, "away_team", altitude_path)
        if has_country:
            for club, column in ((h, "home_country"), (a, "away_country")):
                text = (row[column] or "").strip()
                if text:
                    country.setdefault(club, text)
        dates.append(date)
        home.append(h)
        away.append(a)
        home_goals.append(hg)
        away_goals.append(ag)
        neutral.append(is_neutral)
        tournament.append((row[tournament_col] or "").strip() if tournament_col else "")
        season.append((row["season"] or "").strip() if has_season else "")
        alt_home.append(ha)
        alt_away.append(aa)
        alt_venue.append(venue)
        stage.append((row.get("stage") or "").strip())
        round_.append((row.get("round") or "").strip())
        leg.append(_leg(row.get("leg"), file, line))
        lines.append(line)

    if not dates:
        raise DataError(
            "no matches", file=file, row=1, hint="the file has a header but no rows: add matches"
        )

    home_alt = np.array(alt_home, dtype=np.float64)
    away_alt = np.array(alt_away, dtype=np.float64)
    venue_alt = np.array(alt_venue, dtype=np.float64)
    neutral_arr = np.array(neutral, dtype=np.bool_)
    # A home match is played at the home club's city; a neutral venue's altitude is known
    # only when the file gives it, otherwise neither side is assumed to climb.
    venue_alt = np.where(np.isnan(venue_alt) & ~neutral_arr, home_alt, venue_alt)
    climb_home = np.nan_to_num(venue_alt - home_alt, nan=0.0)
    climb_away = np.nan_to_num(venue_alt - away_alt, nan=0.0)
    has_altitude = bool(np.any(~np.isnan(home_alt)) or np.any(~np.isnan(venue_alt)))
    return _assemble(
        source=str(path),
        dates=np.array(dates, dtype="datetime64[D]"),
        home=home,
        away=away,
        home_goals=np.array(home_goals, dtype=np.int64),
        away_goals=np.array(away_goals, dtype=np.int64),
        neutral=neutral_arr,
        tournament=tournament,
        season=season,
        climb_home=climb_home,
        climb_away=climb_away,
        venue_alt=venue_alt,
        stage=stage,
        round_=round_,
        leg=leg,
        has_altitude=has_altitude,
        lines=np.array(lines, dtype=np.int64),
        country=country,
    )


def _assemble(
    *,
    source: str,
    dates: np.ndarray,
    home: list[str],
    away: list[str],
    home_goals: np.ndarray,
    away_goals: np.ndarray,
    neutral: np.ndarray,
    tournament: list[str],
    season: list[str],
    climb_home: np.ndarray,
    climb_away: np.ndarray,
    venue_alt: np.ndarray,
    has_altitude: bool,
    lines: np.ndarray,
    country: Mapping[str, str] | None = None,
    stage: list[str] | None = None,
    round_: list[str] | None = None,
    leg: list[str] | None = None,
) -> MatchHistory:
    """Sort by date (stable, so same-day matches keep file order) and index the clubs."""
    order = np.argsort(dates, kind="stable")
    home_arr = np.array(home, dtype=object)[order]
    away_arr = np.array(away, dtype=object)[order]
    dates = dates[order]
    season_arr = np.array(season, dtype=object)[order]
    # Calendar year is the default season, so regression happens every January.
    missing = season_arr == ""
    if np.any(missing):
        years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        season_arr[missing] = years[missing].astype(str)
    clubs = tuple(sorted(set(home) | set(away)))
    index = {club: i for i, club in enumerate(clubs)}
    return MatchHistory(
        source=source,
        dates=dates,
        home_team=home_arr,
        away_team=away_arr,
        home_goals=home_goals[order],
        away_goals=away_goals[order],
        neutral=neutral[order],
        tournament=np.array(tournament, dtype=object)[order],
        season=season_arr,
        climb_home_m=np.ascontiguousarray(climb_home[order], dtype=np.float64),
        climb_away_m=np.ascontiguousarray(climb_away[order], dtype=np.float64),
        venue_altitude_m=venue_alt[order],
        stage=_texts(stage, len(order))[order],
        round=_texts(round_, len(order))[order],
        leg=_texts(leg, len(order))[order],
        has_altitude=has_altitude,
        clubs=clubs,
        home_idx=np.array([index[c] for c in home_arr], dtype=np.int32),
        away_idx=np.array([index[c] for c in away_arr], dtype=np.int32),
        lines=lines[order],
        club_country=tuple((country or {}).get(club, "") for club in clubs),
    )


def _texts(values: list[str] | None, n: int) -> np.ndarray:
    """object[n] of str from a list (or n empty strings when the source has no column)."""
    return np.array(values if values is not None else [""] * n, dtype=object).reshape(n)


def _leg(text: str | None, file: str, line: int) -> str:
    """The ``leg`` cell normalised: "1", "2", ... (a whole number), "RR", "single" or ""."""
    value = (text or "").strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= 9:
        return str(int(value))
    if value.lower() in ("rr", "single", ""):
        return {"rr": "RR", "single": "single", "": ""}[value.lower()]
    raise DataError(
        f"{text!r} is not a leg",
        file=file,
        row=line,
        column="leg",
        hint="write 1 or 2 for the legs of a tie, RR for a round-robin match, single for a "
        "one-off match, or leave it empty",
    )


def _reader(path: Path, required: Iterable[str]) -> csv.DictReader[str]:
    """A DictReader over the whole decoded file, its header checked for ``required``.

    The file is read and decoded at once (histories are a few MB at most), so a file that
    is missing, a folder, unreadable or not UTF-8 fails here, naming the row of the first
    bad byte.
    """
    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DataError("no such file", file=file, hint="check the path") from None
    except IsADirectoryError:
        raise DataError("is a folder", file=file, hint="give the CSV file itself") from None
    except OSError as error:
        raise DataError(
            f"cannot be read ({error.strerror})",
            file=file,
            hint="check the path and its permissions",
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise DataError(
            f"not UTF-8 text (byte {data[error.start]:#04x})",
            file=file,
            row=row,
            hint="save the CSV as UTF-8",
        ) from None
    if not text.strip():
        raise DataError(
            "empty file",
            file=file,
            hint=f"the first row must be a header with {', '.join(required)} and the others",
        )
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        raise DataError(
            "holds a NUL byte: not a text CSV", file=file, row=row, hint="save it as a UTF-8 CSV"
        )
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        names = reader.fieldnames or []
    except csv.Error as error:
        raise DataError(
            f"malformed CSV header ({error})", file=file, row=1, hint="check the quoting"
        ) from None
    stripped = [name.strip() for name in names]
    if stripped != names:
        # "home_team " in a header written by hand: accept it as "home_team".
        reader.fieldnames = stripped
    missing = [c for c in required if c not in stripped]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            file=file,
            row=1,
            hint=f"the header has {', '.join(n for n in stripped if n) or 'nothing'}",
        )
    duplicated = sorted({n for n in stripped if n and stripped.count(n) > 1})
    if duplicated:
        raise DataError(
            f"column(s) {', '.join(duplicated)} appear twice in the header",
            file=file,
            row=1,
            hint="keep one column of each name",
        )
    return reader


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[dict[str, str]]:
    """The reader's rows, turning a CSV syntax error into a DataError naming the row."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DataError(
                f"malformed CSV ({error})",
                file=str(path),
                row=reader.line_num,
                hint="check the quoting",
            ) from None
        yield row


def _check_width(row: dict[str, str], file: str, line: int, required: Iterable[str]) -> None:
    """A row with more fields than the header, or too few to reach a required column."""
    extra = row.get(None)  # type: ignore[call-overload]
    if extra is not None:  # more fields than the header
        raise DataError(
            f"{len(row) - 1 + len(extra)} fields, the header has {len(row) - 1}",
            file=file,
            row=line,
            hint="quote fields that contain commas",
        )
    short = [c for c in required if row.get(c) is None]
    if short:
        raise DataError(
            f"the row ends before column {short[0]}",
            file=file,
            row=line,
            column=short[0],
            hint="give every column of the header, empty where unknown",
        )


def _goals(text: str | None, file: str, line: int, column: str) -> int:
    value = (text or "").strip()
    if not (value.isascii() and value.isdigit()):
        what = "empty" if not value else f"{text!r} is not a number of goals"
        raise DataError(
            what,
            file=file,
            row=line,
            column=column,
            hint=f"write a whole number from 0 to {MAX_GOALS}; leave out matches not played",
        )
    goals = int(value)
    if goals > MAX_GOALS:
        raise DataError(
            f"{goals} goals is more than the {MAX_GOALS} allowed",
            file=file,
            row=line,
            column=column,
            hint="the most goals in the shared data is 31; check for a typo",
        )
    return goals


def _metres(text: str | None, file: str, line: int, column: str, *, empty_ok: bool = True) -> float:
    """An altitude cell in metres; NaN for an empty cell when ``empty_ok``."""
    value = (text or "").strip()
    if not value and empty_ok:
        return float("nan")
    try:
        metres = float(value)
    except ValueError:
        raise DataError(
            f"{text!r} is not a number of metres" if value else "empty",
            file=file,
            row=line,
            column=column,
            hint="give metres above sea level, e.g. 3640",
        ) from None
    if not MIN_ALTITUDE_M <= metres <= MAX_ALTITUDE_M:  # also refuses nan and inf
        raise DataError(
            f"{text!r} is outside {MIN_ALTITUDE_M:g}..{MAX_ALTITUDE_M:g} m",
            file=file,
            row=line,
            column=column,
            hint="give metres above sea level, not feet or kilometres",
        )
    return metres


def _lookup(
    altitudes: Mapping[str, float],
    club: str,
    file: str,
    line: int,
    column: str,
    source: Path | None,
) -> float:
    try:
        return float(altitudes[club])
    except KeyError:
        table = f" {source}" if source is not None else ""
        hint = f"add a row for it to the altitude table{table}"
        close = _close_match(club, altitudes)
        if close is not None:
            hint = f"did you mean {close!r}? otherwise {hint}"
        raise DataError(
            f"club {club!r} has no altitude", file=file, row=line, column=column, hint=hint
        ) from None


def _fold(text: str) -> str:
    """A club name for identity checks: accents, case and spacing ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def _close_match(word: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    folded = {_fold(c): c for c in choices}
    if _fold(word) in folded:
        return folded[_fold(word)]
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return matches[0] if matches else None
