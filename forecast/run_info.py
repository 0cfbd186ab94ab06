"""Plain, frozen facts that cross rooms: the run's information and the season's outline.

:class:`RunInfo` says how a Forecast was made: the engine fills the run's numbers and files,
conditional odds and scenario comparison add theirs, and the CLI completes it (season,
assumptions, time, language) with :func:`dataclasses.replace`. Its :meth:`RunInfo.as_json`
is odds.json's ``"metadata"`` object; :meth:`RunInfo.from_json` reads one back.

A loaded season as the reports see it: plain, frozen facts, no loader types.

:class:`SeasonOutline` holds what the reports read from a season file: its clubs, stages,
units (with their rules), milestones, outcomes, known results and assumptions, plus the
facts the loader worked out (who can occupy each slot, the places each milestone has, the
earlier outcomes the known results fix). It is built by
:func:`forecast.language.outline.season_outline` and read by ``reports`` (the format
diagram, the headline, the ``check`` outline, the timeline), which so never import the
format language. Standard library types only; names and slot texts as the file has them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "ClubInfo",
    "Deduction",
    "DrawRules",
    "GroupRules",
    "KnownResult",
    "MilestoneInfo",
    "ModelInfo",
    "OutcomeInfo",
    "RunInfo",
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


@dataclass(frozen=True)
class RunInfo:
    """How a Forecast was made, as odds.json's ``"metadata"`` holds it.

    The engine's part: ``seed`` (None for a run of seed groups), ``n_sims`` seasons
    simulated of ``n_sims_requested``, ``n_seasons`` tallied (they agree with the known
    results; ``n_rejected`` do not), ``precision_target`` (``--precision``, None without)
    and whether it was reached, ``max_se`` (the largest standard error), ``threads``,
    ``block_size``, ``blocks_per_call``, ``n_seasons_kept`` (seasons kept for later
    questions when fewer than tallied, else None), ``version``, ``input_sha256``,
    ``config`` and ``scenarios`` (the files as outputs show them), ``goal_model`` (the
    match model's parameters), ``seconds`` (the engine's time).

    A scenario comparison's batches: ``batch_seeds``, ``batches`` (None outside one).

    Conditional odds (:func:`forecast.analysis.conditions.conditional_forecast`): ``given``
    (the conditions), ``n_seasons_given`` seasons meeting them of ``n_seasons_kept``,
    ``condition`` (the English label), ``low_kept_warning`` (a sentence or None),
    ``min_kept_seasons``.

    The CLI's part: ``season_id`` (None until the CLI completes the record),
    ``season_name``, ``description``, ``assumptions``, ``generated_at`` (timezone-aware),
    ``wall_seconds`` (the whole command), ``stop_reason`` (the English sentence odds.json
    carries, filled by the reports) and ``lang`` (the reports' language).
    """

    seed: int | None = None
    n_sims: int = 0
    n_sims_requested: int = 0
    n_seasons: int = 0
    n_rejected: int = 0
    precision_target: float | None = None
    precision_reached: bool | None = None
    max_se: float | None = None
    threads: int | None = None
    block_size: int | None = None
    blocks_per_call: int | None = None
    n_seasons_kept: int | None = None
    version: str = ""
    input_sha256: str = ""
    config: str = ""
    scenarios: tuple[str, ...] = ()
    goal_model: dict[str, float] = field(default_factory=dict)
    seconds: float | None = None
    batch_seeds: tuple[int, ...] = ()
    batches: int | None = None
    given: tuple[str, ...] = ()
    n_seasons_given: int | None = None
    condition: str | None = None
    low_kept_warning: str | None = None
    min_kept_seasons: int | None = None
    season_id: str | None = None
    season_name: str = ""
    description: str = ""
    assumptions: tuple[str, ...] = ()
    generated_at: datetime | None = None
    wall_seconds: float | None = None
    stop_reason: str | None = None
    lang: str = "en"

    def as_json(self) -> dict[str, Any]:
        """odds.json's ``"metadata"`` object: the engine's keys, the batches' (in a
        comparison), the conditions' (with ``given``), then the CLI's (once it completed
        the record; ``description`` is not among them), in that order."""
        # Seasons kept for fewer than tallied stand where the engine put them.
        kept_early = self.n_seasons_kept is not None and self.n_seasons_kept < self.n_seasons
        out: dict[str, Any] = {
            "seed": self.seed,
            "n_sims": self.n_sims,
            "n_sims_requested": self.n_sims_requested,
            "n_seasons": self.n_seasons,
            "n_rejected": self.n_rejected,
            "precision_target": self.precision_target,
            "precision_reached": self.precision_reached,
            "max_se": self.max_se,
            "threads": self.threads,
            "block_size": self.block_size,
            "blocks_per_call": self.blocks_per_call,
        }
        if kept_early:
            out["n_seasons_kept"] = self.n_seasons_kept
        out.update(
            {
                "version": self.version,
                "input_sha256": self.input_sha256,
                "config": self.config,
                "scenarios": list(self.scenarios),
                "goal_model": dict(self.goal_model),
                "seconds": self.seconds,
            }
        )
        if self.batches is not None:
            out["batch_seeds"] = list(self.batch_seeds)
            out["batches"] = self.batches
        if self.given:
            out["given"] = list(self.given)
            out["n_seasons_given"] = self.n_seasons_given
            if not kept_early:
                out["n_seasons_kept"] = self.n_seasons_kept
            out["condition"] = self.condition
            out["low_kept_warning"] = self.low_kept_warning
            out["min_kept_seasons"] = self.min_kept_seasons
        if self.season_id is not None:
            out.update(
                {
                    "season_id": self.season_id,
                    "season_name": self.season_name,
                    "assumptions": list(self.assumptions),
                    "generated_at": (
                        self.generated_at.isoformat(timespec="seconds")
                        if self.generated_at is not None
                        else None
                    ),
                    "wall_seconds": self.wall_seconds,
                    "stop_reason": self.stop_reason,
                    "lang": self.lang,
                }
            )
        return out

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> RunInfo:
        """The RunInfo of an odds.json ``"metadata"`` object (or compare.json's): the keys
        it knows, lists as tuples, ``generated_at`` parsed; other keys are left out and
        missing ones keep their defaults."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in record.items() if k in known}
        for key in ("scenarios", "batch_seeds", "given", "assumptions"):
            if key in values:
                value = values[key]
                values[key] = tuple(value) if isinstance(value, (list, tuple)) else ()
        if "goal_model" in values and not isinstance(values["goal_model"], dict):
            values["goal_model"] = {}
        stamp = values.get("generated_at")
        if stamp is not None:
            try:
                values["generated_at"] = datetime.fromisoformat(str(stamp))
            except ValueError:
                values["generated_at"] = None
        return cls(**values)
