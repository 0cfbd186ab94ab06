"""The tournament format language: frozen, typed objects validated from a TOML file.

A season file describes clubs, the stages and their units (draws, groups, ties), the slot
references that connect units, reporting milestones, outcomes (where final places go) and
known results. ``docs/format.md`` explains each structure with examples. Validation of the
*shape* of the file (types, unknown keys, names of tiebreak rules) happens here, through
pydantic; cross-references (unknown club, a slot nothing fills) are checked by
:mod:`forecast.config`, which builds these objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
    "lots",
]
#: Criteria that always separate clubs, so a chain must end with one of them.
DECISIVE_TIEBREAKS = frozenset({"lots", "better_seed", "playoff"})
DECISIVE_RESOLUTIONS = frozenset({"penalties", "better_seed", "playoff", "lots"})

Attribute = Literal["department", "region"]


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Club(_Spec):
    """A club (or a placeholder entrant such as "the Arequipa champion").

    ``excluded`` withdraws the club: it keeps its places in the draws and tables, but
    every match it would play is a walkover against it (0-3).
    """

    name: str = Field(min_length=1)
    department: str
    region: str
    home_city: str = ""
    altitude_m: float = Field(ge=-500, le=6000)
    rating: float | None = None
    rating_sd: float | None = Field(default=None, ge=0)
    placeholder: bool = False
    excluded: bool = False
    home_city_confidence: Literal["confident", "uncertain"] = "confident"
    note: str = ""


class Venue(_Spec):
    """A neutral venue and its altitude."""

    name: str
    altitude_m: float = Field(ge=-500, le=6000)


class Points(_Spec):
    win: int = 3
    draw: int = 1
    loss: int = 0


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
    note: str = ""

    @model_validator(mode="after")
    def _venue_only_when_neutral(self) -> Tie:
        if self.venue is not None and self.host != "neutral":
            raise ValueError("'venue' names the neutral ground of a tie with host = 'neutral'")
        return self


class Stage(_Spec):
    """One of the tournament's stages with the units played in it."""

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
    forfeit, scored 3-0), or the winner of a tie (``winner``; for ties settled on penalties).
    """

    unit: str
    home: str | None = None
    away: str | None = None
    score: tuple[int, int] | None = None
    awarded_to: str | None = None
    kind: Literal["played", "walkover", "forfeit"] = "played"
    winner: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _one_kind(self) -> Result:
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
        if self.awarded_to is not None and self.kind == "played":
            raise ValueError("'awarded_to' needs kind = 'walkover' or 'forfeit'")
        if self.score is not None and self.kind != "played":
            raise ValueError("a walkover or forfeit takes 'awarded_to', not 'score'")
        return self


class Deduction(_Spec):
    unit: str
    club: str
    points: int = Field(ge=1)
    reason: str = ""


class ModelSection(_Spec):
    """The match model: the shipped fitted defaults, with any field overridden here.

    ``update_ratings_from_results``: played results listed under ``[[results]]`` update the
    clubs' prior ratings (Elo, the ratings module's defaults) before the season is
    simulated, so a club that won its played matches is stronger in the open ones.
    ``in_season_updates``: simulated matches update ratings too, with ``k_factor``.
    """

    defaults: Literal["ratings", "none"] = "ratings"
    base_goals: float | None = Field(default=None, gt=0)
    goal_slope: float | None = None
    home_advantage: float | None = None
    altitude_climb: float | None = None
    altitude_descend: float | None = None
    rho: float | None = None
    extra_time_fraction: float | None = Field(default=None, gt=0, le=1)
    penalty_win_a: float | None = Field(default=None, ge=0, le=1)
    update_ratings_from_results: bool = True
    in_season_updates: bool = False
    k_factor: float = Field(default=40.0, ge=0)
    note: str = ""


class Prior(_Spec):
    """The strength of a club whose rating the file does not give."""

    rating: float = 1500.0
    rating_sd: float = Field(default=0.0, ge=0)
    note: str = ""


class Season(_Spec):
    id: str
    name: str
    year: int | None = None
    champion: str
    assumptions: list[str] = []
    description: str = ""


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
