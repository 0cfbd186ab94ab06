"""Scenario overlays: merge semantics on small files, every error with file, place and hint,
the shipped 2006 scenarios (they load, ``check`` prints them, their effects have the
expected sign) and common random numbers.

Statistical assertions use 4 standard errors of the difference (batch means over 16
batches, or sqrt(p(1-p)/n) for independent quantities) as their tolerance.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from forecast.analysis.comparison import batch_seeds, simulate_batches
from forecast.errors import InputError
from forecast.language.config import Tournament, load
from forecast.language.scenarios import apply_overlay, read_scenario

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"
SCENARIOS = REPO / "configs" / "scenarios"
SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.toml"))

#: Four clubs in one double round-robin; its top two meet in a two-legged final.
TINY = textwrap.dedent(
    """
    [season]
    id = "tiny"
    name = "Tiny Cup"
    champion = "F#winner"
    assumptions = ["All four clubs start equal."]

    [prior]
    rating = 1500.0
    rating_sd = 50.0

    [[venues]]
    name = "Lima"
    altitude_m = 154

    [defaults.tie]
    resolution = ["aggregate_goals", "penalties"]

    [[clubs]]
    name = "Alpha"
    department = "Lima"
    region = "IV"
    altitude_m = 150

    [[clubs]]
    name = "Beta"
    department = "Cusco"
    region = "VIII"
    altitude_m = 3400

    [[clubs]]
    name = "Gamma"
    department = "Puno"
    region = "VIII"
    altitude_m = 3800
    rating = 1600.0

    [[clubs]]
    name = "Delta"
    department = "Callao"
    region = "IV"
    altitude_m = 5

    [[stages]]
    id = "league"
    name = "League"

    [[stages.groups]]
    id = "L"
    clubs = ["Alpha", "Beta", "Gamma", "Delta"]

    [[stages.ties]]
    id = "F"
    a = "L#2"
    b = "L#1"

    [[milestones]]
    id = "final"
    name = "Final"
    units = ["F"]

    [[outcomes]]
    id = "promoted"
    name = "Promoted"
    slots = ["F#winner"]
    """
)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def scenario(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a scenario file (a [scenario] table is added unless the text has one)."""

    def _write(body: str, name: str = "what_if.toml") -> Path:
        text = textwrap.dedent(body)
        if "[scenario]" not in text:
            text = '[scenario]\nname = "What if"\ndescription = "A test."\n\n' + text
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def club(tournament: Tournament, name: str) -> Any:
    return next(c for c in tournament.clubs if c.name == name)


# --------------------------------------------------------------------------- semantics


def test_tables_merge_key_by_key_and_assumptions_are_appended(
    tiny: Path, scenario: Callable[..., Path]
) -> None:
    path = scenario(
        """
        [season]
        assumptions = ["Gamma plays at home in Juliaca."]

        [model]
        home_advantage = 0.0

        [prior]
        rating_sd = 10.0
        """
    )
    base, changed = load(tiny), load(tiny, [path])
    assert changed.spec.model.home_advantage == 0.0
    assert changed.spec.model.defaults == base.spec.model.defaults  # untouched key kept
    assert changed.spec.prior.rating_sd == 10.0 and changed.spec.prior.rating == 1500.0
    assert changed.spec.season.assumptions == [
        "All four clubs start equal.",
        "Scenario 'What if' (what_if.toml): A test.",
        "Gamma plays at home in Juliaca.",
    ]
    assert changed.scenarios == (path,)
    assert changed.input_hash != base.input_hash


def test_apply_overlay_is_pure(tiny: Path) -> None:
    import copy
    import tomllib

    base = tomllib.loads(TINY)
    overlay = {"scenario": {"name": "x"}, "clubs": [{"name": "Alpha", "rating_shift": 50}]}
    before, overlay_before = copy.deepcopy(base), copy.deepcopy(overlay)
    merged = apply_overlay(base, overlay, Path("x.toml"))
    assert base == before and overlay == overlay_before
    assert merged["clubs"][0]["rating"] == 1550.0


def test_clubs_rating_shift_set_sd_and_exclusion(tiny: Path, scenario: Callable[..., Path]) -> None:
    path = scenario(
        """
        [[clubs]]
        name = "Alpha"
        rating_shift = 150     # no rating of its own: the prior's 1500 + 150

        [[clubs]]
        name = "Gamma"
        rating_shift = -100    # its own 1600 - 100
        rating_sd = 0.0

        [[clubs]]
        name = "Delta"
        excluded = true
        """
    )
    t = load(tiny, [path])
    assert club(t, "Alpha").rating == 1650.0
    assert club(t, "Gamma").rating == 1500.0 and club(t, "Gamma").rating_sd == 0.0
    assert club(t, "Delta").excluded and not club(t, "Beta").excluded
    assert club(t, "Beta").rating is None


def test_units_by_glob_change_only_the_kinds_that_have_the_key(
    tmp_path: Path, scenario: Callable[..., Path]
) -> None:
    t = load(SEASON_2006, [scenario('[[units]]\nid = "*"\nresolution = ["lots"]\n')])
    ties = [u for u in t.units if u.kind == "tie"]
    assert ties and all(u.spec.resolution == ["lots"] for u in ties)
    path = scenario('[[units]]\nid = "R16-*"\nlegs = 1\nhost = "neutral"\nvenue = "Lima"\n')
    t = load(SEASON_2006, [path])
    r16 = [u for u in t.units if u.id.startswith("R16-") and u.kind == "tie"]
    assert len(r16) == 8
    assert all((u.spec.legs, u.spec.host, u.spec.venue) == (1, "neutral", "Lima") for u in r16)
    assert t.unit("QF-1").spec.legs == 2
    assert t.unit("R16-draw").kind == "draw"  # matched by the pattern, has no 'legs'


def test_a_stage_is_replaced_whole_or_appended(tiny: Path, scenario: Callable[..., Path]) -> None:
    path = scenario(
        """
        [season]
        champion = "P#winner"

        [[stages]]
        id = "league"
        name = "League, single round-robin"

        [[stages.groups]]
        id = "L1"
        clubs = ["Alpha", "Beta", "Gamma", "Delta"]
        rounds = 1
        venue = "Lima"

        [[stages]]
        id = "playoff"
        name = "Play-off"

        [[stages.ties]]
        id = "P"
        a = "L1#1"
        b = "L1#2"
        legs = 1
        host = "neutral"

        [[milestones]]
        id = "playoff"
        name = "Play-off"
        units = ["P"]

        [[outcomes]]
        id = "promoted"
        name = "Promoted"
        slots = ["P#winner", "P#loser"]
        """
    )
    t = load(tiny, [path])
    assert [s.id for s in t.spec.stages] == ["league", "playoff"]
    assert [u.id for u in t.units] == ["L1", "P"]  # the old group and final are gone
    assert [m.id for m in t.spec.milestones] == ["playoff"]
    assert t.spec.outcomes[0].slots == ["P#winner", "P#loser"]


def test_results_deductions_and_venues_are_appended(
    tiny: Path, scenario: Callable[..., Path]
) -> None:
    path = scenario(
        """
        [[venues]]
        name = "Lima"
        altitude_m = 500       # an existing venue is changed, not declared twice

        [[venues]]
        name = "Cusco"
        altitude_m = 3399

        [[results]]
        unit = "L"
        home = "Alpha"
        away = "Beta"
        score = [2, 0]

        [[results]]
        unit = "L"
        home = "Gamma"
        away = "Delta"
        kind = "walkover"
        awarded_to = "Delta"

        [[deductions]]
        unit = "L"
        club = "Gamma"
        points = 3
        """
    )
    t = load(tiny, [path])
    assert {v.name: v.altitude_m for v in t.spec.venues} == {"Lima": 500, "Cusco": 3399}
    assert len(t.spec.results) == 2 and t.spec.results[1].kind == "walkover"
    assert t.spec.deductions[0].points == 3


def test_scenarios_stack_in_order_later_wins(tiny: Path, scenario: Callable[..., Path]) -> None:
    first = scenario('[model]\nhome_advantage = 10.0\n\n[[clubs]]\nname = "Alpha"\n'
                     "rating = 1400.0\n", "first.toml")  # fmt: skip
    second = scenario('[model]\nhome_advantage = 20.0\n\n[[clubs]]\nname = "Alpha"\n'
                      "rating_shift = 25\n", "second.toml")  # fmt: skip
    ab, ba = load(tiny, [first, second]), load(tiny, [second, first])
    assert ab.spec.model.home_advantage == 20.0 and ba.spec.model.home_advantage == 10.0
    assert club(ab, "Alpha").rating == 1425.0  # set, then shifted
    assert club(ba, "Alpha").rating == 1400.0  # shifted, then set
    hashes = {load(tiny).input_hash, load(tiny, [first]).input_hash, ab.input_hash, ba.input_hash}
    assert len(hashes) == 4
    assert ab.scenarios == (first, second)


def test_every_scenario_changes_the_hash_even_one_that_changes_no_number(
    tiny: Path, scenario: Callable[..., Path]
) -> None:
    # Its name and description become assumptions, which reports print: the inputs differ.
    assert load(tiny, [scenario("")]).input_hash != load(tiny).input_hash


def test_read_scenario_resolves_base(scenario: Callable[..., Path]) -> None:
    info = read_scenario(SCENARIOS / "no_altitude.toml")
    assert info.name == "No altitude effect" and info.label == "no_altitude"
    assert info.base is not None and info.base.resolve() == SEASON_2006.resolve()
    assert "altitude_climb = 0" in info.description


# --------------------------------------------------------------------------- errors

ERRORS = [
    # (scenario body, place, words in the message, hint words)
    ('[[clubs]]\nname = "Alpah"\nrating_shift = 10\n', "clubs[0] (Alpah).name",
     "unknown club 'Alpah'", "did you mean 'Alpha'?"),
    ('[[clubs]]\nname = "Alpha"\nratng = 10.0\n', "clubs[0] (Alpha).ratng",
     "unknown key 'ratng'", "did you mean 'rating'?"),
    ('[[clubs]]\nname = "Alpha"\nrating = 10.0\nrating_shift = 5\n',
     "clubs[0] (Alpha).rating_shift", "not both", "rating_shift adds"),
    ('[[clubs]]\nname = "Alpha"\nrating_shift = "high"\n', "clubs[0] (Alpha).rating_shift",
     "expected a number, got the text 'high'", None),
    ('[[clubs]]\nname = "Alpha"\naltitude_m = "3399"\n', "clubs[0] (Alpha).altitude_m",
     "expected a number", "without quotes"),
    ('[[units]]\nid = "Q*"\nlegs = 1\n', "units[0] (Q*).id", "'Q*' matches no draw", None),
    ('[[units]]\nid = "FF"\nlegs = 1\n', "units[0] (FF).id", "'FF' matches no",
     "did you mean unit 'F'?"),
    ('[[units]]\nid = "F"\nlgs = 1\n', "units[0] (F).lgs", "unknown key 'lgs' for the tie",
     "did you mean 'legs'?"),
    ('[[units]]\nid = "F"\nresolution = ["aggregate_goal", "penalties"]\n',
     "units[0] (F) -> F.resolution[0]", "'aggregate_goal' is not one of", "aggregate_goals"),
    ('[[units]]\nid = "L"\nrounds = 1\nlegs = 1\n', "units[0] (L).legs",
     "unknown key 'legs' for the group", None),
    ("[modle]\nhome_advantage = 0.0\n", "modle", "unknown key 'modle'", "did you mean 'model'?"),
    ("[model]\nhome_advantge = 0.0\n", "model.home_advantge", "unknown key",
     "did you mean 'home_advantage'?"),
    ("[model]\npenalty_win_a = 2.0\n", "model.penalty_win_a", "allowed range 0 to 1", "shoot-out"),
    ("[defaults.tie]\nleg = 1\n", "defaults.tie.leg", "unknown key 'leg'",
     "did you mean 'legs'?"),
    ('[defaults.tie]\nvenue = "Lima"\n', "defaults.tie -> F", "'venue' names the neutral", None),
    ('[[results]]\nunit = "G"\nhome = "Alpha"\naway = "Beta"\nscore = [1, 0]\n',
     "results[0].unit", "unknown unit 'G'", None),
    ('[[results]]\nunit = "L"\nhome = "Alpa"\naway = "Beta"\nscore = [1, 0]\n',
     "results[0].home", "unknown club 'Alpa'", "did you mean 'Alpha'?"),
    ('[[deductions]]\nunit = "L"\nclub = "Gama"\npoints = 2\n', "deductions[0].club",
     "unknown club 'Gama'", "did you mean 'Gamma'?"),
    ('[[stages]]\nname = "No id"\n', "stages[0] (No id).id", "missing required key 'id'", None),
    ('[[milestones]]\nid = "m"\nname = "M"\nunits = []\n', "milestones[0] (m).units",
     "at least 1", None),
    ("[[clubs]]\nrating = 1.0\n", "clubs[0].name", "missing required key 'name'", None),
    ('[scenario]\nnme = "x"\n', "scenario.nme", "unknown key 'nme'", "did you mean 'name'?"),
    ('[scenario]\ndescription = "no name"\n', "scenario.name", "missing required key 'name'",
     None),
]  # fmt: skip


@pytest.mark.parametrize(("body", "place", "message", "hint"), ERRORS)
def test_a_bad_scenario_names_its_file_place_and_hint(
    tiny: Path,
    scenario: Callable[..., Path],
    body: str,
    place: str,
    message: str,
    hint: str | None,
) -> None:
    path = scenario(body)
    with pytest.raises(InputError) as caught:
        load(tiny, [path])
    error = caught.value
    assert error.file == str(path), str(error)
    assert error.place == place, str(error)
    assert message in error.message, str(error)
    if hint is not None:
        assert error.hint is not None and hint in error.hint, str(error)


def test_a_season_file_is_not_a_scenario(tiny: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tiny, [tiny])
    assert caught.value.place == "scenario"
    assert "needs a [scenario] table" in caught.value.message
    assert caught.value.hint is not None and "season file is not a scenario" in caught.value.hint


def test_a_scenario_written_for_another_base(tiny: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tiny, [SCENARIOS / "no_altitude.toml"])
    error = caught.value
    assert error.file == str(SCENARIOS / "no_altitude.toml") and error.place == "scenario.base"
    assert "copa_peru_2006.toml" in error.message and str(tiny) in error.message


def test_a_missing_scenario_file(tiny: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tiny, [tmp_path / "nope.toml"])
    assert caught.value.file == str(tmp_path / "nope.toml")
    assert caught.value.message == "file not found"


def test_a_problem_of_the_combination_names_base_and_scenario(
    tiny: Path, scenario: Callable[..., Path]
) -> None:
    # Every piece is valid on its own; only the merged season is wrong (Delta enters no
    # unit once the replaced stage leaves it out), so both files are named.
    path = scenario(
        """
        [[stages]]
        id = "league"
        name = "League"

        [[stages.groups]]
        id = "L"
        clubs = ["Alpha", "Beta", "Gamma"]

        [[stages.ties]]
        id = "F"
        a = "L#2"
        b = "L#1"
        """
    )
    with pytest.raises(InputError) as caught:
        load(tiny, [path])
    assert caught.value.file == f"{tiny} with scenario {path}"
    assert "Delta" in str(caught.value) and "enters no unit" in caught.value.message


def test_errors_in_the_base_are_the_base_s(tmp_path: Path, scenario: Callable[..., Path]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(TINY.replace('units = ["F"]', 'units = ["FF"]'), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(bad, [scenario("[model]\nhome_advantage = 0.0\n")])
    assert caught.value.file == str(bad)


# --------------------------------------------------------------------------- shipped


def test_every_shipped_scenario_names_its_season_file_and_says_what_it_asks() -> None:
    assert {
        "club_cup_model.toml",
        "final_first_leg.toml",
        "national_neutral.toml",
        "no_altitude.toml",
        "rules_2010.toml",
        "seed_intro_final_group.toml",
        "total_clean_plus_150.toml",
    } <= set(SHIPPED)
    for name in SHIPPED:
        text = (SCENARIOS / name).read_text(encoding="utf-8")
        assert text.startswith("# "), name  # the comment paragraph comes first
        info = read_scenario(SCENARIOS / name)
        assert info.base is not None and info.base.is_file(), name
        if not name.startswith("copa_peru_"):  # the 2006 scenarios; others name their year
            assert info.base.resolve() == SEASON_2006.resolve(), name
        assert len(info.description) > 60, name


@pytest.mark.parametrize("name", SHIPPED)
def test_check_prints_each_shipped_scenario(name: str) -> None:
    base = read_scenario(SCENARIOS / name).base
    assert base is not None
    done = subprocess.run(
        [sys.executable, "-P", "-m", "copa_forecast", "check", str(base.resolve()),
         "--scenario", str(SCENARIOS / name)],
        capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Shown relative to the working directory (the repository here), never absolute.
    assert f"Scenario: configs/scenarios/{name}" in done.stdout
    assert f"Scenario '{read_scenario(SCENARIOS / name).name}'" in done.stdout


def test_shipped_scenarios_change_what_they_say() -> None:
    def s(name: str) -> Tournament:
        return load(SEASON_2006, [SCENARIOS / name])

    intro = s("seed_intro_final_group.toml")
    assert intro.spec.season.champion == "FG#1"
    assert {m.id: intro.milestone_places(m) for m in intro.spec.milestones} == {
        "regional_stage": 50, "national_stage": 16, "quarterfinal": 8, "final_group": 4,
    }  # fmt: skip
    assert [(o.id, o.slots) for o in intro.spec.outcomes] == [
        ("promoted_primera", ["FG#1", "FG#2"])
    ]
    # The same format as the whole-file variant of the introduction's reading.
    whole = load(REPO / "configs" / "copa_peru_2006_seed_intro.toml")
    assert [u.spec for u in intro.units] == [u.spec for u in whole.units]
    rules = s("rules_2010.toml")
    chain = ["aggregate_points", "goal_difference", "away_goals", "penalties"]
    assert all(u.spec.resolution == chain for u in rules.units if u.kind == "tie")
    neutral = s("national_neutral.toml")
    national = [u for u in neutral.units if u.stage == "national" and u.kind == "tie"]
    assert len(national) == 15
    assert all((u.spec.host, u.spec.venue, u.spec.legs) == ("neutral", "Lima", 2) for u in national)
    assert all(
        u.spec.host == "a" for u in neutral.units if u.stage == "regional" and u.kind == "tie"
    )
    flat = s("no_altitude.toml").spec.model
    assert (flat.altitude_climb, flat.altitude_descend) == (0.0, 0.0)
    final = s("final_first_leg.toml").spec.results
    assert [(r.unit, r.home, r.away, r.score) for r in final] == [
        ("F", "Total Clean", "Hijos de Acosvinchos", (2, 0))
    ]
    strong = s("total_clean_plus_150.toml")
    assert club(strong, "Total Clean").rating == 1650.0
    assert club(strong, "Total Clean").rating_sd is None  # the prior's uncertainty, unchanged


# --------------------------------------------------------------------------- effects

N_EFFECT = 40_000
HIGHLAND = 2500  # metres: Huaraz, Cajamarca, Ayacucho and the Sierra clubs above them


@pytest.fixture(scope="module")
def base_run() -> Any:
    from forecast.engine.simulate import simulate

    return simulate(load(SEASON_2006), N_EFFECT, 17)


def run_scenario(name: str, n: int = N_EFFECT) -> Any:
    from forecast.engine.simulate import simulate

    return simulate(load(SEASON_2006, [SCENARIOS / name]), n, 17)


def highland(forecast: Any) -> list[str]:
    return list(forecast.clubs.index[forecast.clubs["altitude_m"] > HIGHLAND])


def summed(forecast: Any, clubs: list[str], column: str) -> tuple[float, float]:
    """The chance that one of ``clubs`` holds a place of ``column``, summed, and a bound on
    its standard error (sqrt(places * p(1-p)/n) for the sum of ``places`` indicators)."""
    p = float(forecast.odds.loc[clubs, column].sum())
    places = forecast.places[column]
    return p, math.sqrt(places * (p / places) * (1 - p / places) / forecast.n_seasons)


def assert_sums(forecast: Any) -> None:
    for column in forecast.columns:
        assert forecast.odds[column].sum() == pytest.approx(forecast.places[column], abs=1e-9)


def test_no_altitude_lowers_the_highland_clubs_under_the_copa_peru_model(base_run: Any) -> None:
    """The 2006 file's model (ratings/copa_peru.toml) charges climbing more than descending,
    so the highland clubs gain more at home than they lose on their trips down: switching
    altitude off costs them. If a refit reverses that, this test says why it fails."""
    model = base_run.run.goal_model
    assert model["altitude_climb"] > model["altitude_descend"] > 0
    run = run_scenario("no_altitude.toml")
    clubs = highland(base_run)
    assert len(clubs) == 12
    for column in ("quarterfinal", "champion"):
        (p0, se0), (p1, se1) = summed(base_run, clubs, column), summed(run, clubs, column)
        assert p0 - p1 > 4 * math.hypot(se0, se1), column
    assert_sums(run)


def test_the_club_cup_model_raises_the_coastal_clubs(base_run: Any) -> None:
    """The club-cup fit (ratings/defaults.toml) charges descending more than climbing, the
    reverse of the Copa Perú fit: under it the highland clubs lose (about 4 points of
    promotion each for the top ones at 40,000 seasons)."""
    run = run_scenario("club_cup_model.toml")
    assert run.run.goal_model["altitude_descend"] > run.run.goal_model["altitude_climb"]
    clubs = highland(base_run)
    for column in ("quarterfinal", "champion"):
        (p0, se0), (p1, se1) = summed(base_run, clubs, column), summed(run, clubs, column)
        assert p0 - p1 > 4 * math.hypot(se0, se1), column
    assert_sums(run)


def test_without_a_descending_cost_no_altitude_lowers_the_highland_club(
    tiny: Path, scenario: Callable[..., Path]
) -> None:
    """The textbook effect: when only climbing costs, altitude helps the highland hosts."""
    from forecast.engine.simulate import simulate

    climb_only = scenario("[model]\naltitude_climb = 150.0\naltitude_descend = 0.0\n", "c.toml")
    flat = scenario("[model]\naltitude_climb = 0.0\naltitude_descend = 0.0\n", "f.toml")
    with_altitude = simulate(load(tiny, [climb_only]), 20_000, 3)
    without = simulate(load(tiny, [climb_only, flat]), 20_000, 3)
    n = 20_000
    for name in ("Beta", "Gamma"):
        p0, p1 = with_altitude.odds.at[name, "champion"], without.odds.at[name, "champion"]
        assert p0 - p1 > 4 * math.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / n), name


def test_total_clean_plus_150_raises_its_odds(base_run: Any) -> None:
    run = run_scenario("total_clean_plus_150.toml")
    n = N_EFFECT
    for column in ("quarterfinal", "champion"):
        p0, p1 = base_run.odds.at["Total Clean", column], run.odds.at["Total Clean", column]
        assert p1 - p0 > 4 * math.sqrt((p0 * (1 - p0) + p1 * (1 - p1)) / n), column
    # Who reaches the National Stage from Region VII moves too; elsewhere it cannot.
    others = [c for c in base_run.odds.index if base_run.clubs.at[c, "region"] != "VII"]
    assert (
        run.odds.loc[others, "national_stage"] == base_run.odds.loc[others, "national_stage"]
    ).all()
    assert_sums(run)


def test_national_neutral_lowers_the_highland_clubs_in_the_national_stage(base_run: Any) -> None:
    """In Lima a highland club descends in both legs and never hosts at altitude."""
    run = run_scenario("national_neutral.toml")
    clubs = highland(base_run)
    # The Regional Stage is untouched, and with common random numbers replays exactly.
    assert run.odds["national_stage"].equals(base_run.odds["national_stage"])
    (p0, se0), (p1, se1) = (
        summed(base_run, clubs, "quarterfinal"),
        summed(run, clubs, "quarterfinal"),
    )
    assert p0 - p1 > 4 * math.hypot(se0, se1)
    assert_sums(run)


def test_final_first_leg_is_in_every_kept_season() -> None:
    run = run_scenario("final_first_leg.toml")
    rejected = run.run.n_rejected
    assert rejected > 0 and run.n_seasons == N_EFFECT - rejected > 0
    final = run.odds["final"]
    assert final["Total Clean"] == 1.0 and final["Hijos de Acosvinchos"] == 1.0
    assert final.drop(["Total Clean", "Hijos de Acosvinchos"]).eq(0.0).all()
    champion = run.odds["champion"]
    assert champion["Total Clean"] + champion["Hijos de Acosvinchos"] == pytest.approx(1.0)
    # Two goals up after the first leg: Total Clean is the clear favourite.
    assert champion["Total Clean"] > 0.5
    assert_sums(run)


@pytest.mark.parametrize("name", ["rules_2010.toml", "seed_intro_final_group.toml"])
def test_format_scenarios_keep_the_sums(name: str, base_run: Any) -> None:
    run = run_scenario(name)
    assert_sums(run)
    assert run.odds["regional_stage"].equals(base_run.odds["regional_stage"])
    if name == "seed_intro_final_group.toml":
        assert run.places["promoted_primera"] == 2
        # Up to the quarterfinals nothing changed: the same seasons replay exactly.
        assert run.odds["quarterfinal"].equals(base_run.odds["quarterfinal"])


# --------------------------------------------------------------------------- CRN


def test_common_random_numbers_cut_the_error_of_a_difference() -> None:
    """Batch-means standard error of (scenario - baseline), common seeds vs independent ones.

    Measured here on total_clean_plus_150 with 16 batches of 4,000 seasons: averaged over all
    clubs and columns the independent error is about 5.5 times the common one (inverse-CDF
    scorelines keep most results when a club's strength moves). The claim is made on the
    average, the quantity a reader of compare.csv meets.
    """
    base = load(SEASON_2006)
    strong = load(SEASON_2006, [SCENARIOS / "total_clean_plus_150.toml"])
    n, batches = 64_000, 16
    b = simulate_batches(base, n, 5, batches)
    common = simulate_batches(strong, n, 5, batches)
    independent = simulate_batches(strong, n, 5, batches, seeds=batch_seeds(6, batches))
    assert common.seeds == b.seeds and independent.seeds != b.seeds

    def se(run: Any) -> np.ndarray:
        d = run.batch_odds() - b.batch_odds()
        return d.std(axis=0, ddof=1) / math.sqrt(batches)

    ratio = float(se(independent).mean() / se(common).mean())
    assert ratio >= 3.0, ratio
