"""The tournament format language: frozen, typed objects validated from a TOML file.

A season file describes clubs, the stages and their units (draws, groups, ties), the slot
references that connect units, reporting milestones, outcomes (where final places go) and
known results. ``docs/format.md`` explains each structure with examples. Validation of the
*shape* of the file (types, unknown keys, names of tiebreak rules) happens here, through
pydantic; cross-references (unknown club, a slot nothing fills) are checked by
:mod:`forecast.language.config`, which builds these objects.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "DECISIVE_RESOLUTIONS",
    "DECISIVE_TIEBREAKS",
    "Club",
    "Deduction",
    "Draw",
    "Group",
    "Milestone",
    "ModelSection",
    "Outcome",
    "Points",
    "Prior",
    "Result",
    "Season",
    "Stage",
    "Tie",
    "TournamentSpec",
    "Venue",
    "check_date",
]

#: Group tiebreak criteria, applied in the order a group lists them.
TiebreakName = Literal[
    "points",
    "goal_difference",
    "goals_for",
    "wins",
    "away_goals",
    "head_to_head",
    "playoff",
    "better_seed",
    "table_position",
    "lots",
]
#: Tie resolution criteria, applied in the order a tie lists them.
ResolutionName = Literal[
    "aggregate_goals",
    "aggregate_points",
    "goal_difference",
    "away_goals",
    "extra_time",
    "penalties",
    "better_seed",
    "playoff",
    "table_position",
    "lots",
]
#: Criteria that always separate clubs, so a chain must end with one of them.
DECISIVE_TIEBREAKS = frozenset({"lots", "better_seed", "playoff", "table_position"})
DECISIVE_RESOLUTIONS = frozenset({"penalties", "better_seed", "playoff", "lots", "table_position"})

Attribute = Literal["department", "region"]


class _Spec(BaseModel):
    # NaN compares false with everything, so it would slip through every range below and
    # give plausible-looking wrong forecasts; infinities overflow the kernel's tables.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def _within(
    low: float, high: float, why: str, default: Any = None, *, low_open: bool = False
) -> Any:
    """A numeric field limited to [low, high] (or (low, high]) for the reason ``why``.

    The loader's message states the range and gives ``why`` as the hint, so the reason is
    written once, here, beside the range.
    """
    lower = {"gt": low} if low_open else {"ge": low}
    return Field(default=default, le=high, json_schema_extra={"why": why}, **lower)


# Ratings are World Football Elo points: real club ratings lie within about 1000-2200 (only
# differences matter); 500-3000 leaves room for any what-if while keeping every rating
# difference a season can draw within what the goal model's tables cover.
_RATING_WHY = "Elo rating points; real club ratings lie within about 1000-2200"
# A standard deviation of 400 points already spans the whole range of real clubs from one
# prior; more says the file knows nothing, and the drawn ratings leave the rating range.
_RATING_SD_WHY = "rating points; 100 is the spread of CONMEBOL cup clubs, 400 spans all of them"
# Altitudes of the Americas: the Dead Sea shore is the lowest ground; no stadium is above
# about 5,000 m (La Rinconada, Peru).
_ALTITUDE_WHY = "metres above sea level; the highest ground in Peru is about 5,000 m"


class Club(_Spec):
    """A club (or a placeholder entrant such as "the Arequipa champion").

    ``excluded`` withdraws the club: it keeps its places in the draws and tables, but
    every match it would play is a walkover against it (0-3).
    """

    name: str = Field(min_length=1)
    department: str
    region: str
    home_city: str = ""
    altitude_m: float = _within(-500, 6000, _ALTITUDE_WHY, ...)
    rating: float | None = _within(500, 3000, _RATING_WHY)
    rating_sd: float | None = _within(0, 400, _RATING_SD_WHY)
    placeholder: bool = False
    excluded: bool = False
    home_city_confidence: Literal["confident", "uncertain"] = "confident"
    note: str = ""


class Venue(_Spec):
    """A neutral venue and its altitude."""

    name: str
    altitude_m: float = _within(-500, 6000, _ALTITUDE_WHY, ...)


# Points a match gives: 3-1-0 today, 2-1-0 before 1995; 100 is far above any rule and keeps
# a group's totals small integers for the kernel.
_POINTS_WHY = "points for one match, e.g. 3 for a win, 1 for a draw, 0 for a loss"


class Points(_Spec):
    """Points for a win, a draw and a loss in a group.

    A table ranks by points, so a win must earn more than a draw and a draw at least as
    much as a loss (a draw worth no more than a loss is allowed: some leagues played
    3-0-0). Negative points would reward nothing sensible.
    """

    win: int = _within(0, 100, _POINTS_WHY, 3)
    draw: int = _within(0, 100, _POINTS_WHY, 1)
    loss: int = _within(0, 100, _POINTS_WHY, 0)

    @model_validator(mode="after")
    def _win_beats_draw_beats_loss(self) -> Points:
        if not self.win > self.draw >= self.loss:
            raise ValueError(
                f"points must satisfy win > draw >= loss (got win = {self.win}, "
                f"draw = {self.draw}, loss = {self.loss})"
            )
        return self


class Draw(_Spec):
    """A random allocation of entrants into buckets (groups or pairings).

    Output ``k`` (1-based) is the k-th place of the allocation; places ``1..size`` form the
    first bucket, and so on. With ``pots``, each bucket takes one entrant from each pot, in
    pot order. ``distinct`` forbids two clubs sharing a department or region in one bucket.
    """

    id: str
    entrants: list[str] | None = None
    pots: list[list[str]] | None = None
    size: int | None = Field(default=None, ge=1)
    distinct: list[Attribute] = []
    note: str = ""

    @model_validator(mode="after")
    def _entrants_or_pots(self) -> Draw:
        if (self.entrants is None) == (self.pots is None):
            raise ValueError("give exactly one of 'entrants' or 'pots'")
        if self.entrants is not None and self.size is None:
            raise ValueError("'size' (clubs per bucket) is required with 'entrants'")
        return self


class Group(_Spec):
    """A mini-league: round-robin (``rounds`` times) or an explicit fixture list."""

    id: str
    clubs: list[str] = Field(min_length=2)
    rounds: int = Field(default=2, ge=1, le=4)
    fixtures: list[tuple[int, int]] | None = None
    points: Points = Points()
    tiebreak: list[TiebreakName] = ["points", "goal_difference", "goals_for", "lots"]
    venue: str = "home"
    playoff_positions: list[int] | None = None
    table: str | None = None  # the earlier group whose final places 'table_position' reads
    note: str = ""


class Tie(_Spec):
    """A knockout tie between slots ``a`` and ``b``: one match or two legs.

    ``host`` says who hosts a one-match tie; ``host = "neutral"`` plays every match of the
    tie (one or two legs) at the neutral ``venue`` (or one of unknown altitude). Two legs
    between the clubs are hosted as ``second_leg_host`` says.
    """

    id: str
    a: str
    b: str
    legs: Literal[1, 2] = 2
    host: Literal["a", "b", "neutral", "draw"] = "a"
    second_leg_host: Literal["a", "b", "draw"] = "b"
    venue: str | None = None
    resolution: list[ResolutionName] = ["aggregate_goals", "penalties"]
    playoff_venue: str | None = None
    table: str | None = None  # the earlier group whose final places 'table_position' reads
    note: str = ""

    @model_validator(mode="after")
    def _venue_only_when_neutral(self) -> Tie:
        if self.venue is not None and self.host != "neutral":
            raise ValueError("'venue' names the neutral ground of a tie with host = 'neutral'")
        return self


class Stage(_Spec):
    """One of the tournament's stages with the units played in it.

    A stage still to be played lists at least one draw, group or tie; a ``completed`` one
    lists none (it records history). Both rules are checked by :mod:`forecast.language.config`.
    """

    id: str
    name: str
    completed: bool = False
    note: str = ""
    draws: list[Draw] = []
    groups: list[Group] = []
    ties: list[Tie] = []


class Milestone(_Spec):
    """A reporting milestone: a club reaches it by entering any unit matching ``units``."""

    id: str
    name: str
    units: list[str] = Field(min_length=1)


class Outcome(_Spec):
    """A destination (promotion, play-off) reached by occupying any of ``slots``."""

    id: str
    name: str
    slots: list[str] = Field(min_length=1)


class Result(_Spec):
    """A known result.

    Either a match (``home``, ``away`` and ``score``, or ``awarded_to`` for a walkover or
    forfeit, scored 3-0), the winner of a tie (``winner``; for ties settled on penalties), or
    a group's final order (``order``: the clubs in places 1, 2, ...; a prefix is allowed).
    ``date`` (``YYYY-MM-DD``, optional) is the day it was played: ``--as-of`` keeps only the
    results dated on or before its day (undated ones always), and the timeline steps through
    the dates.
    """

    unit: str
    date: str | None = None
    home: str | None = None
    away: str | None = None
    score: tuple[int, int] | None = None
    awarded_to: str | None = None
    kind: Literal["played", "walkover", "forfeit"] = "played"
    winner: str | None = None
    order: list[str] | None = Field(default=None, min_length=1)
    note: str = ""

    @field_validator("date")
    @classmethod
    def _iso_date(cls, value: str | None) -> str | None:
        if value is not None:
            check_date(value)
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Result:
        if self.order is not None:
            others = (self.home, self.away, self.score, self.awarded_to, self.winner)
            if any(v is not None for v in others):
                raise ValueError("an 'order' result names only the unit and the order")
            if len(set(self.order)) != len(self.order):
                raise ValueError("'order' names a club twice")
            return self
        if self.winner is not None:
            if any(v is not None for v in (self.home, self.away, self.score, self.awarded_to)):
                raise ValueError("a 'winner' result names only the unit and the winner")
            return self
        if self.home is None or self.away is None:
            raise ValueError("a match result needs 'home' and 'away'")
        if (self.score is None) == (self.awarded_to is None):
            raise ValueError("give exactly one of 'score' or 'awarded_to'")
        if self.score is not None and min(self.score) < 0:
            raise ValueError("goals cannot be negative")
        # The record senior score is 149-0 (AS Adema, 2002); goals are stored as int32.
        if self.score is not None and max(self.score) > MAX_GOALS_IN_RESULT:
            raise ValueError(f"a score above {MAX_GOALS_IN_RESULT} goals is not a football score")
        if self.awarded_to is not None and self.kind == "played":
            raise ValueError("'awarded_to' needs kind = 'walkover' or 'forfeit'")
        if self.score is not None and self.kind != "played":
            raise ValueError("a walkover or forfeit takes 'awarded_to', not 'score'")
        return self


#: Most goals one side may have in a known result (the record senior score is 149-0).
MAX_GOALS_IN_RESULT = 200
#: Years a result's date may have: the first football matches on record (1850s) to 2100.
RESULT_YEARS = (1850, 2100)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(text: str) -> date:
    """``text`` as a date, if it is one written ``YYYY-MM-DD`` within :data:`RESULT_YEARS`.

    Raises
    ------
    ValueError
        With a message that quotes ``text`` and says what a date looks like.
    """
    try:
        if not _ISO_DATE.match(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date written YYYY-MM-DD, e.g. 2006-12-15") from None
    low, high = RESULT_YEARS
    if not low <= day.year <= high:
        raise ValueError(f"the date {text} is outside the years {low}-{high}")
    return day


class Deduction(_Spec):
    unit: str
    club: str
    # More than 1,000 points is more than any group could award; points are int32 in the kernel.
    points: int = _within(1, 1000, "points taken off the club's group total, e.g. 3")
    reason: str = ""


class ModelSection(_Spec):
    """The match model: the shipped fitted defaults, with any field overridden here.

    ``defaults``: ``"ratings"`` is the club-cup fit (ratings/defaults.toml), ``"copa_peru"``
    the fit on the Copa Perú's own matches pooled toward it (ratings/copa_peru.toml),
    ``"none"`` the built-in round numbers of :class:`ratings.goal_model.GoalModel`.
    ``update_ratings_from_results``: played results listed under ``[[results]]`` update the
    clubs' prior ratings (Elo, the ratings module's defaults) before the season is
    simulated, so a club that won its played matches is stronger in the open ones.
    ``in_season_updates``: simulated matches update ratings too, with ``k_factor``.
    """

    defaults: Literal["ratings", "copa_peru", "none"] = "ratings"
    # Goals per club and match between equal clubs: leagues score 1.0-1.7; 5 is already a
    # goal feast, and the scoreline tables stop at 10 goals a side.
    base_goals: float | None = _within(
        0, 5, "goals per club and match between equal clubs; fitted 1.12", low_open=True
    )
    # log-goals per rating point: fitted 0.0016; 0 makes ratings irrelevant; 0.01 would make
    # a 300-point favourite score e^3 = 20 times as much: past any real match. Negative would
    # make the weaker club the favourite.
    goal_slope: float | None = _within(
        0, 0.01, "change in log expected goals per rating point; fitted 0.0016"
    )
    # Published home advantages are 60-140 Elo points; 500 means a 95% expected score at home.
    # Negative is allowed for what-ifs (an away-favouring rule).
    home_advantage: float | None = _within(
        -500, 500, "rating points for the host; fitted 124, published 60-140"
    )
    # Rating points per 1,000 m climbed or descended: fitted 42 and 68 (se 20). 500 per
    # 1,000 m would make the 3,000 m climb from Lima to Cusco worth 1,500 points: absurd.
    # Negative is allowed since a fit can come out slightly negative.
    altitude_climb: float | None = _within(
        -500, 500, "rating points per 1,000 m climbed; fitted 42 (se 20)"
    )
    altitude_descend: float | None = _within(
        -500, 500, "rating points per 1,000 m descended; fitted 68 (se 20)"
    )
    # Dixon-Coles low-score correction: published fits lie within about -0.2..0.1 (fitted
    # -0.06); beyond +-0.5 the correction would rewrite most of a low-scoring match's
    # probabilities (the grid floors negative factors at 0, ratings/goal_model.py).
    rho: float | None = _within(
        -0.5, 0.5, "Dixon-Coles low-score correction; published fits lie within -0.2..0.1"
    )
    # Extra time is a fraction of a match (30 of 90 minutes = 1/3); more than a match is not
    # extra time, and none is not extra time either.
    extra_time_fraction: float | None = _within(
        0, 1, "extra time as a fraction of 90 minutes; 30 minutes is 1/3", low_open=True
    )
    penalty_win_a: float | None = _within(
        0, 1, "the probability that side a wins a shoot-out; 0.5 is a coin toss"
    )
    update_ratings_from_results: bool = True
    in_season_updates: bool = False
    # World Football Elo uses K = 20-60 per match; 200 points a match would swing a rating
    # by twice the whole prior spread in one result.
    k_factor: float = _within(
        0, 200, "Elo points per match result; World Football Elo uses 20-60", 40.0
    )
    note: str = ""


class Prior(_Spec):
    """The strength of a club whose rating the file does not give."""

    rating: float = _within(500, 3000, _RATING_WHY, 1500.0)
    rating_sd: float = _within(0, 400, _RATING_SD_WHY, 0.0)
    note: str = ""


class Season(_Spec):
    """The ``[season]`` table.

    ``results_file`` names a CSV of known results beside the file that sets it (a path
    relative to that file), read in addition to ``[[results]]`` (docs/format.md, "Results
    files").
    """

    id: str
    name: str
    year: int | None = None
    champion: str
    assumptions: list[str] = []
    description: str = ""
    results_file: str | None = Field(default=None, min_length=1)


class TournamentSpec(_Spec):
    """A whole validated season file (the frozen Tournament spec of DESIGN.md)."""

    season: Season
    model: ModelSection = ModelSection()
    prior: Prior = Prior()
    venues: list[Venue] = []
    clubs: list[Club] = Field(min_length=2)
    stages: list[Stage] = Field(min_length=1)
    milestones: list[Milestone] = []
    outcomes: list[Outcome] = []
    results: list[Result] = []
    deductions: list[Deduction] = []
