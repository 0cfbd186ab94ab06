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
:class:`ratings.errors.DataError` naming the file, the line and a hint.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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


def parse_date(text: str, what: str = "date") -> np.datetime64:
    """Parse an ISO date (YYYY-MM-DD) into datetime64[D]; DataError with a hint otherwise."""
    try:
        return np.datetime64(dt.date.fromisoformat(text.strip()), "D")
    except (ValueError, AttributeError):
        raise DataError(
            f"{what}: {text!r} is not a date; hint: write dates as YYYY-MM-DD, e.g. 2004-12-31"
        ) from None


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
    """
    path = Path(path)
    altitudes: dict[str, float] = {}
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        _require_columns(path, reader.fieldnames, ("club", "altitude_m"))
        for row in reader:
            line = reader.line_num
            club = (row.get("club") or "").strip()
            if not club:
                raise DataError(f"{path}, line {line}: empty club name; hint: fill the club column")
            text = (row.get("altitude_m") or "").strip()
            try:
                altitude = float(text)
            except ValueError:
                raise DataError(
                    f"{path}, line {line}: altitude_m {text!r} of {club!r} is not a number; "
                    "hint: give metres above sea level, e.g. 3640"
                ) from None
            if not -500.0 <= altitude <= 6000.0:
                raise DataError(
                    f"{path}, line {line}: altitude_m {altitude:g} of {club!r} is outside "
                    "-500..6000 m; hint: give metres, not feet or kilometres"
                )
            if club in altitudes and altitudes[club] != altitude:
                raise DataError(
                    f"{path}, line {line}: club {club!r} is listed twice with different "
                    "altitudes; hint: keep one row per club"
                )
            altitudes[club] = altitude
    return altitudes


def read_results(
    path: str | Path,
    altitudes: Mapping[str, float] | str | Path | None = None,
) -> MatchHistory:
    """Read a results CSV into a :class:`MatchHistory`, sorted by date (stable).

    Parameters
    ----------
    path : the results CSV (see the module docstring for its columns).
    altitudes : club -> altitude in metres, or the path of an altitude table. Without it
        (and without altitude columns in the file) every climb is zero: no altitude effect.

    Raises
    ------
    DataError : missing file, missing column, or a bad row (naming its line).
    """
    path = Path(path)
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

    with _open(path) as handle:
        reader = csv.DictReader(handle)
        names = reader.fieldnames or []
        _require_columns(path, names, ("date", "home_team", "away_team"))
        score_cols = next((pair for pair in _SCORE_COLUMNS if set(pair) <= set(names)), None)
        if score_cols is None:
            raise DataError(
                f"{path}, line 1: no score columns; hint: add home_score and away_score "
                "(or home_score_90 and away_score_90)"
            )
        tournament_col = next((c for c in _TOURNAMENT_COLUMNS if c in names), None)
        venue_col = next((c for c in _VENUE_ALTITUDE_COLUMNS if c in names), None)
        has_season = "season" in names
        has_neutral = "neutral" in names
        has_country = "home_country" in names and "away_country" in names
        has_home_alt = "home_altitude_m" in names
        has_away_alt = "away_altitude_m" in names
        for row in reader:
            line = reader.line_num
            where = f"{path}, line {line}"
            if None in row:  # more fields than the header
                raise DataError(f"{where}: more fields than the header has; hint: quote commas")
            date_text = row["date"] or ""
            try:
                date = np.datetime64(dt.date.fromisoformat(date_text.strip()), "D")
            except ValueError:
                raise DataError(
                    f"{where}: date {date_text!r} is not a date; hint: write YYYY-MM-DD"
                ) from None
            h = (row["home_team"] or "").strip()
            a = (row["away_team"] or "").strip()
            if not h or not a:
                raise DataError(f"{where}: empty team name; hint: fill home_team and away_team")
            if h == a:
                raise DataError(f"{where}: {h!r} plays itself; hint: check the team names")
            hg = _goals(row[score_cols[0]], where, score_cols[0])
            ag = _goals(row[score_cols[1]], where, score_cols[1])
            is_neutral = False
            if has_neutral:
                flag = (row["neutral"] or "").strip().lower()
                if flag in _TRUE:
                    is_neutral = True
                elif flag not in _FALSE:
                    raise DataError(
                        f"{where}: neutral {row['neutral']!r} is not TRUE or FALSE; "
                        "hint: write TRUE, FALSE or leave it empty"
                    )
            venue = np.nan
            if venue_col is not None and (row[venue_col] or "").strip():
                venue = _metres(row[venue_col], where, venue_col)
            ha = np.nan
            aa = np.nan
            if has_home_alt and (row["home_altitude_m"] or "").strip():
                ha = _metres(row["home_altitude_m"], where, "home_altitude_m")
            if has_away_alt and (row["away_altitude_m"] or "").strip():
                aa = _metres(row["away_altitude_m"], where, "away_altitude_m")
            if altitudes is not None:
                if np.isnan(ha):
                    ha = _lookup(altitudes, h, where, altitude_path)
                if np.isnan(aa):
                    aa = _lookup(altitudes, a, where, altitude_path)
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
            leg.append(_leg(row.get("leg"), where))
            lines.append(line)

    if not dates:
        raise DataError(f"{path}: no matches; hint: the file has a header but no rows")

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


def _leg(text: str | None, where: str) -> str:
    """The ``leg`` cell normalised: "1", "2", ... (a whole number), "RR", "single" or ""."""
    value = (text or "").strip()
    if value.isdigit() and int(value) >= 1:
        return str(int(value))
    if value.lower() in ("rr", "single", ""):
        return {"rr": "RR", "single": "single", "": ""}[value.lower()]
    raise DataError(
        f"{where}: leg {text!r} is not a leg; hint: write 1 or 2 for the legs of a tie, RR "
        "for a round-robin match, single for a one-off match, or leave it empty"
    )


@contextmanager
def _open(path: Path) -> Iterator[TextIO]:
    """Open a CSV for reading; turn every file-level failure into a DataError."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"{path}: no such file; hint: check the path") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory; hint: give the CSV file itself") from None
    except OSError as error:
        raise DataError(f"{path}: cannot be read ({error.strerror}); hint: check it") from None
    with handle:
        try:
            yield handle
        except UnicodeDecodeError:
            raise DataError(f"{path}: not UTF-8 text; hint: save the CSV as UTF-8") from None
        except csv.Error as error:
            raise DataError(f"{path}: malformed CSV ({error}); hint: check the quoting") from None


def _require_columns(path: Path, names: Iterable[str] | None, required: Iterable[str]) -> None:
    present = set(names or [])
    missing = [c for c in required if c not in present]
    if missing:
        raise DataError(
            f"{path}, line 1: missing column(s) {', '.join(missing)}; "
            f"hint: the header has {', '.join(sorted(present)) or 'nothing'}"
        )


def _goals(text: str | None, where: str, column: str) -> int:
    value = (text or "").strip()
    if not value.isdigit():
        raise DataError(
            f"{where}: {column} {text!r} is not a number of goals; "
            "hint: write a whole number 0 or more"
        )
    return int(value)


def _metres(text: str | None, where: str, column: str) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise DataError(
            f"{where}: {column} {text!r} is not a number of metres; "
            "hint: give metres above sea level, e.g. 3640, or leave it empty"
        ) from None
    if not -500.0 <= value <= 6000.0:  # also refuses nan and inf
        raise DataError(
            f"{where}: {column} {text!r} is outside -500..6000 m; "
            "hint: give metres, not feet or kilometres"
        )
    return value


def _lookup(altitudes: Mapping[str, float], club: str, where: str, source: Path | None) -> float:
    try:
        return float(altitudes[club])
    except KeyError:
        table = f" {source}" if source is not None else ""
        raise DataError(
            f"{where}: club {club!r} has no altitude; hint: add a row for it to the "
            f"altitude table{table}"
        ) from None
