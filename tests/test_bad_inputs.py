"""A corpus of bad inputs: each one gets one clean line with a hint, exit 2, nothing written.

Every case starts from a shipped season file (or none), changes one thing, and runs
``copa-forecast check``, ``run`` or ``compare`` in-process. Each must fail before anything
is simulated: exit status 2, exactly one line on stderr naming the file (or the option) and
the key, with a hint and no traceback, and the --out folder (holding a sentinel file) and
the working directory left exactly as they were. A few cases also go through a real
subprocess to prove the single line end to end.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from copa_forecast import main

REPO = Path(__file__).resolve().parents[1]
S2006 = "configs/copa_peru_2006.toml"
DEP = "configs/examples/departmental_placeholders.toml"
MISSING = "no such file"  # a base that is not written at all

#: The [scenario] table every scenario case starts with.
HEAD = '[scenario]\nname = "What if"\n'
#: The first club of the departmental example, and a line of its entry to edit.
AQP1 = "Arequipa – provincial champion Arequipa"
AQP1_ENTRY = f'name = "{AQP1}"\ndepartment = "Arequipa"\nregion = "VII"\nhome_city = "Arequipa"\n'
RESULT_1 = f'unit = "AQP"\nhome = "{AQP1}"\n'
DEDUCTION = 'club = "Puno – provincial champion Azángaro"\npoints = 2\n'
POINTS = "points = { win = 3, draw = 1, loss = 0 }"
CLUB_TABLE = (
    '\n[[clubs]]\nname = "{name}"\ndepartment = "Arequipa"\nregion = "VII"\naltitude_m = 15\n'
)


@dataclass(frozen=True)
class Case:
    """One bad input.

    ``edits`` are (old, new) replacements made once each in the season file (``old`` must be
    in it, so a change to the shipped file shows up here); ``append`` is TOML added at its
    end; ``scenario`` a scenario file laid over it; ``args`` more options; ``expect``
    fragments the message must hold (the key first); ``names`` what it must name: the
    "config", the "scenario", or else that text (an option such as "--sims", a file).
    """

    id: str
    command: str = "check"
    base: str = DEP
    edits: tuple[tuple[str, str], ...] = ()
    append: str = ""
    scenario: str | None = None
    args: tuple[str, ...] = ()
    expect: tuple[str, ...] = ()
    names: str = "config"


def sub(old: str, new: str) -> tuple[tuple[str, str], ...]:
    return ((old, new),)


def model(line: str) -> tuple[tuple[str, str], ...]:
    """A line added to the season's [model] table."""
    return sub('defaults = "copa_peru"\n', f'defaults = "copa_peru"\n{line}\n')


def club0(line: str) -> tuple[tuple[str, str], ...]:
    """A line added to the first club of the departmental example."""
    return sub(AQP1_ENTRY, AQP1_ENTRY + line + "\n")


# fmt: off
SEASON_CASES = [
    # Numbers: NaN and infinities, then ranges (message states the range, hint the reason).
    Case("prior-rating-nan", edits=sub("rating = 1450.0", "rating = nan"),
         expect=("prior.rating", "finite", "500 to 3000")),
    Case("prior-rating-inf", edits=sub("rating = 1450.0", "rating = inf"),
         expect=("prior.rating", "finite")),
    Case("prior-rating-minus-inf", edits=sub("rating = 1450.0", "rating = -inf"),
         expect=("prior.rating", "finite")),
    Case("prior-rating-1e300", edits=sub("rating = 1450.0", "rating = 1e300"),
         expect=("prior.rating", "outside the allowed range 500 to 3000", "Elo")),
    Case("prior-rating-too-low", edits=sub("rating = 1450.0", "rating = 100.0"),
         expect=("prior.rating", "500 to 3000")),
    Case("prior-rating-quoted", edits=sub("rating = 1450.0", 'rating = "1450"'),
         expect=("prior.rating", "without quotes")),
    Case("prior-sd-nan", edits=sub("rating_sd = 120.0", "rating_sd = nan"),
         expect=("prior.rating_sd", "finite")),
    Case("prior-sd-negative", edits=sub("rating_sd = 120.0", "rating_sd = -5.0"),
         expect=("prior.rating_sd", "0 to 400")),
    Case("prior-sd-1e300", edits=sub("rating_sd = 120.0", "rating_sd = 1e300"),
         expect=("prior.rating_sd", "0 to 400")),
    Case("prior-sd-boolean", edits=sub("rating_sd = 120.0", "rating_sd = true"),
         expect=("prior.rating_sd", "expected a number")),
    Case("club-rating-nan", edits=club0("rating = nan"), expect=("clubs[0]", "rating", "finite")),
    Case("club-rating-inf", edits=club0("rating = inf"), expect=("clubs[0]", "rating", "finite")),
    Case("club-rating-4000", edits=club0("rating = 4000.0"),
         expect=("clubs[0]", ".rating", "500 to 3000")),
    Case("club-sd-inf", edits=club0("rating_sd = inf"), expect=("clubs[0]", "rating_sd", "finite")),
    Case("club-sd-500", edits=club0("rating_sd = 500.0"), expect=("clubs[0]", "rating_sd", "400")),
    Case("club-altitude-nan", edits=sub("altitude_m = 2335", "altitude_m = nan"),
         expect=("clubs[0]", "altitude_m", "finite")),
    Case("club-altitude-9000", edits=sub("altitude_m = 2335", "altitude_m = 9000"),
         expect=("clubs[0]", "altitude_m", "-500 to 6000")),
    Case("club-altitude-quoted", edits=sub("altitude_m = 2335", 'altitude_m = "2335"'),
         expect=("clubs[0]", "altitude_m", "without quotes")),
    Case("club-region-number", edits=sub(AQP1_ENTRY, AQP1_ENTRY.replace('"VII"', "7")),
         expect=("clubs[0]", "region", "text in quotes")),
    Case("model-rho-5", edits=model("rho = 5.0"), expect=("model.rho", "-0.5 to 0.5")),
    Case("model-rho-nan", edits=model("rho = nan"), expect=("model.rho", "finite")),
    Case("model-base-goals-zero", edits=model("base_goals = 0.0"),
         expect=("model.base_goals", "allowed range")),
    Case("model-base-goals-50", edits=model("base_goals = 50.0"),
         expect=("model.base_goals", "allowed range")),
    Case("model-goal-slope-negative", edits=model("goal_slope = -0.001"),
         expect=("model.goal_slope", "0 to 0.01")),
    Case("model-home-advantage-1e300", edits=model("home_advantage = 1e300"),
         expect=("model.home_advantage", "-500 to 500")),
    Case("model-altitude-climb-inf", edits=model("altitude_climb = inf"),
         expect=("model.altitude_climb", "finite")),
    Case("model-altitude-descend-1000", edits=model("altitude_descend = 1000.0"),
         expect=("model.altitude_descend", "-500 to 500")),
    Case("model-extra-time-zero", edits=model("extra_time_fraction = 0.0"),
         expect=("model.extra_time_fraction", "allowed range")),
    Case("model-penalty-1.5", edits=model("penalty_win_a = 1.5"),
         expect=("model.penalty_win_a", "0 to 1")),
    Case("model-k-factor-negative", edits=model("k_factor = -1.0"),
         expect=("model.k_factor", "0 to 200")),
    Case("model-k-factor-1e6", edits=model("k_factor = 1e6"), expect=("model.k_factor", "200")),
    Case("model-rho-boolean", edits=model("rho = true"), expect=("model.rho", "expected a number")),
    Case("model-defaults-typo", edits=sub('defaults = "copa_peru"', 'defaults = "copa-peru"'),
         expect=("model.defaults", "did you mean 'copa_peru'")),
    Case("model-unknown-key", edits=model("rh0 = 0.1"), expect=("model.rh0", "unknown key")),
    # Points.
    Case("points-negative-win", edits=sub(POINTS, "points = { win = -3, draw = 1, loss = 0 }"),
         expect=("points.win", "0 to 100")),
    Case("points-win-equals-draw", edits=sub(POINTS, "points = { win = 1, draw = 1, loss = 0 }"),
         expect=(".points", "win > draw >= loss")),
    Case("points-draw-below-loss", edits=sub(POINTS, "points = { win = 3, draw = 0, loss = 1 }"),
         expect=(".points", "win > draw >= loss")),
    Case("points-negative-loss", edits=sub(POINTS, "points = { win = 3, draw = 1, loss = -1 }"),
         expect=("points.loss", "0 to 100")),
    Case("points-fraction", edits=sub(POINTS, "points = { win = 3.5, draw = 1, loss = 0 }"),
         expect=("points.win", "whole number")),
    Case("points-1000", edits=sub(POINTS, "points = { win = 1000, draw = 1, loss = 0 }"),
         expect=("points.win", "0 to 100")),
    # Known results and deductions.
    Case("deduction-zero", edits=sub(DEDUCTION, DEDUCTION.replace("= 2", "= 0")),
         expect=("deductions[0].points", "1 to 1000")),
    Case("deduction-huge", edits=sub(DEDUCTION, DEDUCTION.replace("= 2", "= 1000000000000")),
         expect=("deductions[0].points", "1 to 1000")),
    Case("result-score-negative", edits=sub("score = [2, 1]", "score = [-2, 1]"),
         expect=("results[0]", "negative")),
    Case("result-score-500", edits=sub("score = [2, 1]", "score = [500, 0]"),
         expect=("results[0]", "200 goals")),
    Case("result-score-three-numbers", edits=sub("score = [2, 1]", "score = [2, 1, 0]"),
         expect=("results[0]", "score")),
    Case("result-score-quoted", edits=sub("score = [2, 1]", 'score = ["2", "1"]'),
         expect=("results[0]", "score", "without quotes")),
    Case("result-unknown-club", edits=sub(RESULT_1, RESULT_1.replace(AQP1, "Arequipa FC")),
         expect=("results[0].home", "unknown club")),
    Case("result-club-other-case",
         edits=sub(RESULT_1, RESULT_1.replace(AQP1, AQP1.lower())),
         expect=("results[0].home", "did you mean", AQP1)),
    Case("result-unknown-unit", edits=sub(RESULT_1, RESULT_1.replace('"AQP"', '"AQX"')),
         expect=("results[0].unit", "unknown unit", "did you mean")),
    Case("result-club-plays-itself",
         edits=sub('away = "Arequipa – provincial champion Camaná"\nscore',
                   f'away = "{AQP1}"\nscore'),
         expect=("results[0]", "cannot play itself")),
    Case("result-walkover-to-third-club",
         edits=sub('awarded_to = "Tacna – provincial champion Tacna"',
                   'awarded_to = "Tacna – provincial champion Tarata"'),
         expect=("results[1].awarded_to", "neither the home nor the away")),
    Case("result-kind-typo", edits=sub('kind = "walkover"', 'kind = "walkovr"'),
         expect=("results[1].kind", "did you mean 'walkover'")),
    Case("deduction-unknown-club",
         edits=sub(DEDUCTION, DEDUCTION.replace("Azángaro", "Azangaro FC")),
         expect=("deductions[0].club", "unknown club")),
    Case("deduction-in-a-tie", edits=sub('unit = "PUN"\nclub', 'unit = "TAC-F"\nclub'),
         expect=("deductions[0].unit", "needs a group")),
    # Club names: identity up to case, accents and spaces.
    Case("club-name-other-case-twice", append=CLUB_TABLE.format(name=AQP1.upper()),
         expect=(".name", "only in case, accents or spaces", AQP1)),
    Case("club-name-without-accent-twice",
         append=CLUB_TABLE.format(name="Arequipa – provincial champion Camana"),
         expect=(".name", "only in case, accents or spaces", "Camaná")),
    Case("club-name-inner-spaces-twice",
         append=CLUB_TABLE.format(name=AQP1.replace(" ", "  ")),
         expect=(".name", "only in case, accents or spaces")),
    Case("club-name-trailing-space", edits=sub(f'name = "{AQP1}"\n', f'name = "{AQP1} "\n'),
         expect=("clubs[0]", "space")),
    Case("club-name-twice", append=CLUB_TABLE.format(name=AQP1),
         expect=("clubs[", "declared twice")),
    Case("club-name-hash", edits=sub(f'name = "{AQP1}"\n', 'name = "Arequipa #1"\n'),
         expect=("clubs[0]", "'#'")),
    Case("club-name-empty", edits=sub(f'name = "{AQP1}"\n', 'name = ""\n'),
         expect=("clubs[0]", "name")),
    Case("club-unknown-key", edits=club0("rating_sdd = 10.0"),
         expect=("clubs[0]", "rating_sdd", "did you mean 'rating_sd'")),
    Case("slot-club-other-case", edits=sub(f'  "{AQP1}",\n', f'  "{AQP1.lower()}",\n'),
         expect=("groups[0] (AQP).clubs[0]", "did you mean", AQP1)),
    Case("venue-other-case-twice", base=S2006,
         append='\n[[venues]]\nname = "LIMA"\naltitude_m = 154\n',
         expect=("venues[1]", "only in case")),
    # Slots, stages and units.
    Case("slot-unknown-unit", base=S2006,
         edits=sub('clubs = ["I-draw#1"', 'clubs = ["I-drw#1"'),
         expect=("groups[0] (I-A).clubs[0]", "unknown unit", "did you mean")),
    Case("slot-output-out-of-range", base=S2006, edits=sub('a = "I-A#1"', 'a = "I-A#9"'),
         expect=("ties[0] (I-F).a", "nothing fills")),
    Case("slot-tie-output-typo", base=S2006,
         edits=sub('a = "SF-1#winner"', 'a = "SF-1#winer"'),
         expect=("(F).a", "did you mean 'winner'")),
    Case("champion-unknown-unit", base=S2006,
         edits=sub('champion = "F#winner"', 'champion = "FF#winner"'),
         expect=("season.champion", "unknown unit")),
    Case("stage-without-units", base=S2006,
         edits=sub('name = "District Stage"\ncompleted = true\n', 'name = "District Stage"\n'),
         expect=("stages[0] (district)", "lists no draw, group or tie", "completed = true")),
    Case("completed-stage-with-units", base=S2006,
         edits=sub('name = "Regional Stage"\n', 'name = "Regional Stage"\ncompleted = true\n'),
         expect=("stages[3] (regional)", "completed stage lists units")),
    Case("stage-id-twice", base=S2006,
         edits=sub('id = "provincial"', 'id = "district"'),
         expect=("stages[1] (district)", "used twice")),
    Case("unit-id-twice", base=S2006, edits=sub('id = "I-B"', 'id = "I-A"'),
         expect=("I-A", "used twice")),
    Case("group-of-one", base=S2006, edits=sub('clubs = ["I-draw#1", "I-draw#2", '
                                               '"I-draw#3", "I-draw#4"]', 'clubs = ["I-draw#1"]'),
         expect=("groups[0] (I-A).clubs", "at least two")),
    Case("group-rounds-9", base=S2006, edits=sub("rounds = 2", "rounds = 9"),
         expect=("rounds", "1 to 4")),
    Case("tiebreak-typo", base=S2006, edits=sub('"goal_difference", "goals_for", "head',
                                                '"goal_diference", "goals_for", "head'),
         expect=("tiebreak[1]", "did you mean 'goal_difference'")),
    Case("tiebreak-can-leave-clubs-level", base=S2006,
         edits=sub('"head_to_head", "lots"]', '"head_to_head"]'),
         expect=("tiebreak", "can leave clubs level")),
    Case("tie-legs-3", base=S2006, edits=sub("legs = 2", "legs = 3"),
         expect=("legs", "allowed names")),
    Case("tie-resolution-empty", base=S2006,
         edits=sub('resolution = ["aggregate_goals", "penalties"]', "resolution = []"),
         expect=("resolution", "chain is empty")),
    Case("tie-host-typo", base=S2006,
         edits=sub('second_leg_host = "b"', 'second_leg_host = "bb"'),
         expect=("second_leg_host", "allowed names")),
    Case("draw-pots-unequal", base=S2006,
         edits=sub('  ["Olimpia", "Corazón Micaelino"],', '  ["Olimpia"],'),
         expect=("groups[1] (I-B).clubs[3]", "nothing fills slot 'I-draw#8'")),
    Case("draw-size-does-not-divide", edits=sub("size = 2\n", "size = 3\n"),
         expect=("(VII-draw).size", "do not split")),
    Case("draw-entrants-and-pots", base=S2006,
         edits=sub('id = "I-draw"\n', 'id = "I-draw"\nentrants = ["Olimpia"]\n'),
         expect=("draws[0]", "exactly one of 'entrants' or 'pots'")),
    Case("milestone-matches-no-unit", base=S2006, edits=sub('units = ["QF-?"]', 'units = ["Q-?"]'),
         expect=("milestones[2] (quarterfinal).units[0]", "matches no unit")),
    Case("outcome-unknown-slot", base=S2006,
         edits=sub('slots = ["F#loser"]', 'slots = ["F#runner"]'),
         expect=("outcomes[1]", "nothing fills")),
    Case("defaults-unknown-table", base=S2006, edits=sub("[defaults.tie]", "[defaults.ties]"),
         expect=("defaults.ties", "did you mean")),
    # The file itself.
    Case("unknown-top-level-table", base=S2006, edits=sub("\n[season]\n", "\n[seasn]\n"),
         expect=("seasn", "unknown key")),
    Case("season-without-champion", base=S2006, edits=sub('champion = "F#winner"\n', ""),
         expect=("season.champion", "missing required key")),
    Case("toml-syntax", base=S2006, edits=sub("rating = 1500.0", "rating = = 1500.0"),
         expect=("line", "not valid TOML")),
    Case("config-not-found", base=MISSING, expect=("file not found",)),
]

SCENARIO_CASES = [
    Case("scenario-stage-matches-nothing", base=S2006,
         scenario=HEAD + '[[stages]]\nid = "nationl"\nname = "National Stage"\n',
         expect=("stages[0] (nationl).id", "did you mean stage 'national'"), names="scenario"),
    Case("scenario-new-stage-reuses-units", base=S2006,
         scenario=HEAD + '[[stages]]\nid = "finals"\nname = "Finals"\n[[stages.ties]]\n'
         'id = "F"\na = "SF-1#winner"\nb = "SF-2#winner"\n',
         expect=("stages[0] (finals).id", "already in stage 'national'"), names="scenario"),
    Case("scenario-units-match-nothing", base=S2006,
         scenario=HEAD + '[[units]]\nid = "R32-*"\nhost = "neutral"\n',
         expect=("units[0] (R32-*).id", "matches no draw"), names="scenario"),
    Case("scenario-units-unknown-key", base=S2006,
         scenario=HEAD + '[[units]]\nid = "F"\nlegz = 1\n',
         expect=("units[0] (F).legz", "did you mean 'legs'"), names="scenario"),
    Case("scenario-club-unknown", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "Total Clen"\nrating_shift = 10\n',
         expect=("clubs[0] (Total Clen).name", "did you mean 'Total Clean'"), names="scenario"),
    Case("scenario-club-other-case", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "total clean"\nrating_shift = 10\n',
         expect=("clubs[0] (total clean).name", "did you mean 'Total Clean'"), names="scenario"),
    Case("scenario-rating-shift-nan", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "Total Clean"\nrating_shift = nan\n',
         expect=("rating_shift", "finite"), names="scenario"),
    Case("scenario-rating-shift-5000", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "Total Clean"\nrating_shift = 5000\n',
         expect=("rating_shift", "500 to 3000"), names="scenario"),
    Case("scenario-club-rating-inf", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "Total Clean"\nrating = inf\n',
         expect=("clubs[0] (Total Clean).rating", "finite"), names="scenario"),
    Case("scenario-model-rho-nan", base=S2006, scenario=HEAD + "[model]\nrho = nan\n",
         expect=("model.rho", "finite"), names="scenario"),
    Case("scenario-model-rho-5", base=S2006, scenario=HEAD + "[model]\nrho = 5.0\n",
         expect=("model.rho", "-0.5 to 0.5"), names="scenario"),
    Case("scenario-prior-sd-inf", base=S2006, scenario=HEAD + "[prior]\nrating_sd = inf\n",
         expect=("prior.rating_sd", "finite"), names="scenario"),
    Case("scenario-model-unknown-key", base=S2006, scenario=HEAD + "[model]\nrh0 = 0.0\n",
         expect=("model.rh0", "did you mean 'rho'"), names="scenario"),
    Case("scenario-top-level-typo", base=S2006, scenario=HEAD + "[modle]\nrho = 0.0\n",
         expect=("modle", "did you mean 'model'"), names="scenario"),
    Case("scenario-without-scenario-table", base=S2006, scenario="[model]\nrho = 0.0\n",
         expect=("scenario", "needs a [scenario] table"), names="scenario"),
    Case("scenario-for-another-season", base=S2006,
         scenario='[scenario]\nname = "x"\nbase = "other_season.toml"\n',
         expect=("scenario.base", "written for"), names="scenario"),
    Case("scenario-result-unknown-unit", base=S2006,
         scenario=HEAD + '[[results]]\nunit = "FF"\nhome = "Total Clean"\naway = "Olimpia"\n'
         "score = [1, 0]\n",
         expect=("results[0].unit", "did you mean"), names="scenario"),
    Case("scenario-result-unknown-club", base=S2006,
         scenario=HEAD + '[[results]]\nunit = "F"\nhome = "Total Clean"\naway = "Nobody FC"\n'
         "score = [1, 0]\n",
         expect=("results[0].away", "unknown club"), names="scenario"),
    Case("scenario-result-score-inf", base=S2006,
         scenario=HEAD + '[[results]]\nunit = "F"\nhome = "Total Clean"\naway = "Olimpia"\n'
         "score = [1, inf]\n",
         expect=("results[0]", "score"), names="scenario"),
    Case("scenario-deduction-zero", base=DEP,
         scenario=HEAD + '[[deductions]]\nunit = "PUN"\n' + DEDUCTION.replace("= 2", "= 0"),
         expect=("deductions[0].points", "1 to 1000"), names="scenario"),
    Case("scenario-negative-win-points", base=S2006,
         scenario=HEAD + "[defaults.group]\npoints = { win = -3, draw = 1, loss = 0 }\n",
         expect=("points.win", "0 to 100"), names="scenario"),
    Case("scenario-venue-other-case", base=S2006,
         scenario=HEAD + '[[venues]]\nname = "lima"\naltitude_m = 500\n',
         expect=("venues[0] (lima).name", "write 'Lima'"), names="scenario"),
    Case("run-scenario-rho-nan", command="run", base=S2006,
         scenario=HEAD + "[model]\nrho = nan\n", expect=("model.rho", "finite"), names="scenario"),
    Case("compare-scenario-rating-inf", command="compare", base=S2006,
         scenario=HEAD + '[[clubs]]\nname = "Total Clean"\nrating = inf\n',
         expect=("rating", "finite"), names="scenario"),
    Case("compare-scenario-stage-typo", command="compare", base=S2006,
         scenario=HEAD + '[[stages]]\nid = "nationl"\nname = "X"\n',
         expect=("stages[0] (nationl).id", "did you mean stage"), names="scenario"),
    Case("scenario-file-not-found", base=S2006, args=("--scenario", "nowhere.toml"),
         expect=("file not found",), names="nowhere.toml"),
]

RUN_FILE_CASES = [
    Case("run-prior-rating-nan", command="run", edits=sub("rating = 1450.0", "rating = nan"),
         expect=("prior.rating", "finite")),
    Case("run-points-negative", command="run",
         edits=sub(POINTS, "points = { win = -3, draw = 1, loss = 0 }"),
         expect=("points.win", "0 to 100")),
    Case("run-club-name-twice-other-case", command="run",
         append=CLUB_TABLE.format(name=AQP1.upper()), expect=(".name", "only in case")),
    Case("run-stage-without-units", command="run", base=S2006,
         edits=sub('name = "District Stage"\ncompleted = true\n', 'name = "District Stage"\n'),
         expect=("stages[0] (district)", "lists no draw")),
    Case("compare-base-rho-5", command="compare", base=S2006, edits=model("rho = 5.0"),
         scenario=HEAD + "[model]\nrho = 0.0\n", expect=("model.rho", "-0.5 to 0.5")),
]

OPTION_CASES = [
    Case("sims-zero", command="run", args=("--sims", "0"), expect=("positive",), names="--sims"),
    Case("sims-negative", command="run", args=("--sims=-5",), expect=("positive",),
         names="--sims"),
    Case("sims-1e20", command="run", args=("--sims", "1e20"),
         expect=("100,000,000", "years"), names="--sims"),
    Case("sims-10-to-the-12", command="run", args=("--sims", "1000000000000"),
         expect=("100,000,000", "17 minutes"), names="--sims"),
    Case("sims-text", command="run", args=("--sims", "many"), expect=("not an integer",),
         names="--sims"),
    Case("sims-fraction", command="run", args=("--sims", "1.5"), expect=("not an integer",),
         names="--sims"),
    Case("precision-2", command="run", args=("--precision", "2"), expect=("at most 0.1",),
         names="--precision"),
    Case("precision-zero", command="run", args=("--precision", "0"), expect=("positive",),
         names="--precision"),
    Case("precision-nan", command="run", args=("--precision", "nan"), expect=("finite",),
         names="--precision"),
    Case("precision-inf", command="run", args=("--precision", "inf"), expect=("finite",),
         names="--precision"),
    Case("precision-1e-9", command="run", args=("--precision", "1e-9"),
         expect=("0.25/P^2", "5e-05 or more fits"), names="--precision"),
    Case("precision-text", command="run", args=("--precision", "high"),
         expect=("not a number",), names="--precision"),
    Case("out-empty", command="run", args=("--out", ""), expect=("empty directory name",),
         names="--out"),
    Case("out-blank", command="run", args=("--out", "   "), expect=("empty directory name",),
         names="--out"),
    Case("threads-zero", command="run", args=("--threads", "0"), expect=("positive",),
         names="--threads"),
    Case("threads-100000", command="run", args=("--threads", "100000"),
         expect=("1,024", "cores"), names="--threads"),
    Case("seed-negative", command="run", args=("--seed=-1",), expect=("non-negative",),
         names="--seed"),
    Case("unknown-option", command="run", args=("--simz", "10"), expect=("unrecognized",),
         names="--simz"),
    Case("compare-sims-1e20", command="compare", base=S2006, args=("--sims", "1e20"),
         scenario=HEAD + "[model]\nrho = 0.0\n", expect=("100,000,000",), names="--sims"),
    Case("compare-threads-5000", command="compare", base=S2006, args=("--threads", "5000"),
         scenario=HEAD + "[model]\nrho = 0.0\n", expect=("1,024",), names="--threads"),
    Case("compare-out-empty", command="compare", base=S2006, args=("--out", ""),
         scenario=HEAD + "[model]\nrho = 0.0\n", expect=("empty",), names="--out"),
    Case("compare-sims-below-batches", command="compare", base=S2006,
         args=("--sims", "4", "--batches", "8"),
         scenario=HEAD + "[model]\nrho = 0.0\n", expect=("cannot fill",), names="--sims"),
]
# fmt: on

CASES = SEASON_CASES + SCENARIO_CASES + RUN_FILE_CASES + OPTION_CASES


def build(case: Case, tmp_path: Path) -> list[str]:
    """Write the case's files into ``tmp_path`` and return the command line."""
    config = tmp_path / "season.toml"
    if case.base != MISSING:
        text = (REPO / case.base).read_text(encoding="utf-8")
        for old, new in case.edits:
            assert old in text, f"{case.id}: {old!r} is no longer in {case.base}"
            text = text.replace(old, new, 1)
        config.write_text(text + case.append, encoding="utf-8")
    argv = [case.command, str(config)]
    if case.scenario is not None:
        scenario = tmp_path / "what_if.toml"
        scenario.write_text(case.scenario, encoding="utf-8")
        argv += ["--scenario", str(scenario)]
    argv += list(case.args)
    if case.command != "check" and not any(a.startswith("--out") for a in case.args):
        argv += ["--out", str(tmp_path / "out")]
    return argv


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An --out folder holding a sentinel; the working directory is ``tmp_path``."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentinel.txt").write_text("an earlier report\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return out


def assert_one_clean_line(err: str, case: Case, argv: list[str]) -> None:
    assert "Traceback" not in err, err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line:\n{err}"
    line = err.rstrip("\n")
    assert line.startswith("copa-forecast"), line
    assert "hint:" in line, line
    if case.names == "config":
        assert argv[1] in line, f"the season file is not named: {line}"
    elif case.names == "scenario":
        assert argv[argv.index("--scenario") + 1] in line, f"the scenario is not named: {line}"
    else:
        assert case.names in line, f"the option {case.names} is not named: {line}"
    for fragment in case.expect:
        assert fragment in line, f"{fragment!r} not in: {line}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_input_gets_one_clean_line(
    case: Case,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    argv = build(case, tmp_path)
    prepared(tmp_path, monkeypatch)
    before = snapshot(tmp_path)
    try:
        status = main(argv)
    except SystemExit as exc:  # argparse rejects a bad option this way
        status = exc.code
    captured = capfd.readouterr()
    assert status == 2, captured.err
    assert captured.out == ""
    assert_one_clean_line(captured.err, case, argv)
    assert snapshot(tmp_path) == before, "something was written or changed"


def test_the_corpus_is_large_and_its_ids_unique() -> None:
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)


# ------------------------------------------------------------------------------ end to end

SUBPROCESS_IDS = ["prior-rating-nan", "points-negative-win", "scenario-stage-matches-nothing",
                  "sims-1e20", "out-empty"]  # fmt: skip


@pytest.mark.parametrize("case_id", SUBPROCESS_IDS)
def test_the_script_prints_one_line(case_id: str, tmp_path: Path) -> None:
    """The installed script (or ``python -P -m copa_forecast``): the whole of stderr is one
    line, exit status 2."""
    case = next(c for c in CASES if c.id == case_id)
    argv = build(case, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sentinel.txt").write_text("an earlier report\n", encoding="utf-8")
    before = snapshot(tmp_path)
    script = Path(sys.executable).with_name("copa-forecast")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "copa_forecast"]
    done = subprocess.run(
        [*command, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert_one_clean_line(done.stderr, case, argv)
    assert snapshot(tmp_path) == before
