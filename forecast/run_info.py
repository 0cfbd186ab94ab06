"""A loaded season as the reports see it: plain, frozen facts, no loader types.

:class:`SeasonOutline` holds what the reports read from a season file: its clubs, stages,
units (with their rules), milestones, outcomes, known results and assumptions, plus the
facts the loader worked out (who can occupy each slot, the places each milestone has, the
earlier outcomes the known results fix). It is built by
:func:`forecast.language.outline.season_outline` and read by ``reports`` (the format
diagram, the headline, the ``check`` outline, the timeline), which so never import the
format language. Standard library types only; names and slot texts as the file has them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ClubInfo",
    "Deduction",
    "DrawRules",
    "GroupRules",
    "KnownResult",
    "MilestoneInfo",
    "ModelInfo",
    "OutcomeInfo",
    "SeasonOutline",
    "Slot",
    "StageInfo",
    "TieRules",
    "UnitOutline",
]


@dataclass(frozen=True)
class ClubInfo:
    """A club; ``rating`` is its own prior rating (None: the season's prior applies)."""

    name: str
    department: str
    region: str
    placeholder: bool = False
    rating: float | None = None


@dataclass(frozen=True)
class Slot:
    """An input slot as written (``text``): a club by name, or output ``output`` (1-based
    place, or ``"winner"``/``"loser"``) of unit ``unit``."""

    text: str
    club: str | None = None
    unit: str | None = None
    output: int | str | None = None


@dataclass(frozen=True)
class DrawRules:
    """How a draw splits its entrants: ``n_pots`` pots, ``n_buckets`` buckets of ``size``;
    ``distinct``: the attributes no two clubs of one bucket share."""

    n_pots: int
    n_buckets: int
    size: int
    distinct: tuple[str, ...] = ()


@dataclass(frozen=True)
class GroupRules:
    """How a group is played. ``n_fixtures`` counts the given fixtures (None: ``rounds``
    round-robins); ``points`` is (win, draw, loss); ``venue`` is ``"home"`` or a neutral
    venue's name; ``table``: the earlier group whose places ``table_position`` reads."""

    n_clubs: int
    rounds: int
    n_fixtures: int | None
    venue: str
    points: tuple[int, int, int]
    tiebreak: tuple[str, ...]
    playoff_positions: tuple[int, ...] | None = None
    table: str | None = None


@dataclass(frozen=True)
class TieRules:
    """How a tie between slots ``a`` and ``b`` is played and decided (the file's keys)."""

    a: str
    b: str
    legs: int
    host: str  # "a", "b", "neutral" or "draw"
    second_leg_host: str  # "a", "b" or "draw"
    venue: str | None
    resolution: tuple[str, ...]
    playoff_venue: str | None = None
    table: str | None = None


@dataclass(frozen=True)
class UnitOutline:
    """A draw, group or tie: its inputs in order and the names of its outputs (``"1"``,
    ``"2"``, ... or ``"winner"``, ``"loser"``)."""

    id: str
    kind: str  # "draw", "group" or "tie"
    stage: str
    inputs: tuple[Slot, ...]
    outputs: tuple[str, ...]
    rules: DrawRules | GroupRules | TieRules


@dataclass(frozen=True)
class StageInfo:
    id: str
    name: str
    completed: bool = False


@dataclass(frozen=True)
class MilestoneInfo:
    """A milestone: ``patterns`` as the file writes its units, ``units`` the unit ids they
    match (in unit order), ``places`` the clubs reaching it every season."""

    id: str
    name: str
    patterns: tuple[str, ...]
    units: tuple[str, ...]
    places: int


@dataclass(frozen=True)
class OutcomeInfo:
    id: str
    name: str
    slots: tuple[str, ...]


@dataclass(frozen=True)
class KnownResult:
    """A known result as the file gives it: a match (``home``, ``away``, ``score`` or a
    walkover/forfeit ``awarded_to``), a tie's ``winner`` or a group's final ``order``."""

    unit: str
    date: str | None = None
    home: str | None = None
    away: str | None = None
    score: tuple[int, int] | None = None
    awarded_to: str | None = None
    kind: str = "played"
    winner: str | None = None
    order: tuple[str, ...] | None = None
    note: str = ""


@dataclass(frozen=True)
class Deduction:
    unit: str
    club: str
    points: int
    reason: str = ""


@dataclass(frozen=True)
class ModelInfo:
    """The ``[model]`` section: the shipped defaults' name, the parameters the file sets
    (name, value; in the section's order), and the in-season rating updates."""

    defaults: str
    overrides: tuple[tuple[str, float], ...] = ()
    in_season_updates: bool = False
    k_factor: float = 0.0


@dataclass(frozen=True)
class SeasonOutline:
    """A loaded season, as plain facts (see the module docstring).

    Attributes
    ----------
    path, scenarios : the season file and its scenario overlays, as shown in outputs.
    results_file : the results CSV read, as the loader names it (None: none).
    input_hash : the engine's hash of the inputs (empty when the caller did not give it).
    possible : slot text (``"VII-A#1"``, a club name) -> the clubs that can occupy it.
    results : the known results used (those dated up to ``as_of``), in rating order.
    results_left_out : known results dated after ``as_of``, left out.
    fixed : the earlier outcomes the known results fix, as sentences (English).
    """

    id: str
    name: str
    champion: str  # the slot that holds the champion, e.g. "F#winner"
    path: str
    scenarios: tuple[str, ...] = ()
    description: str = ""
    results_file: str | None = None
    input_hash: str = ""
    clubs: tuple[ClubInfo, ...] = ()
    prior_rating: float = 1500.0
    prior_rating_sd: float = 0.0
    model: ModelInfo = ModelInfo("ratings")
    venues: tuple[tuple[str, float], ...] = ()  # (name, altitude in m)
    stages: tuple[StageInfo, ...] = ()
    units: tuple[UnitOutline, ...] = ()
    possible: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    milestones: tuple[MilestoneInfo, ...] = ()
    outcomes: tuple[OutcomeInfo, ...] = ()
    results: tuple[KnownResult, ...] = ()
    results_left_out: int = 0
    fixed: tuple[str, ...] = ()
    deductions: tuple[Deduction, ...] = ()
    assumptions: tuple[str, ...] = ()

    @property
    def prior_ratings(self) -> tuple[float, ...]:
        """Each club's prior rating (its own, else the season's), in club order."""
        return tuple(c.rating if c.rating is not None else self.prior_rating for c in self.clubs)
