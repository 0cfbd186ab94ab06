"""The loader on valid files: the three shipped configs and small inline seasons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forecast.language import spec as S  # noqa: N812 (S.Group, S.Tie read like the types they are)
from forecast.language.config import Tournament, load, parse_slot

REPO = Path(__file__).resolve().parents[1]
SEASON_2006 = REPO / "configs" / "copa_peru_2006.toml"
SEED_INTRO = REPO / "configs" / "copa_peru_2006_seed_intro.toml"
DEPARTMENTAL = REPO / "configs" / "examples" / "departmental_placeholders.toml"

REGION_VII = {
    "Total Clean",
    "Senati",
    "Deportivo Enersur",
    "Deportivo GER",
    "Alfonso Ugarte de Tacna",
    "Mariscal Miller",
}


@pytest.fixture(scope="module")
def season_2006() -> Tournament:
    return load(SEASON_2006)


def places(tournament: Tournament) -> dict[str, int]:
    return {m.id: tournament.milestone_places(m) for m in tournament.spec.milestones}


def assert_dependency_order(tournament: Tournament) -> None:
    seen: set[str] = set()
    for unit in tournament.units:
        for ref in unit.inputs:
            assert ref.unit is None or ref.unit in seen, f"{unit.id} reads {ref.text} too early"
        seen.add(unit.id)


# --------------------------------------------------------------------------- 2006


def test_2006_has_50_clubs_in_8_regions_of_25_departments(season_2006: Tournament) -> None:
    clubs = season_2006.clubs
    assert len(clubs) == 50
    assert len({c.region for c in clubs}) == 8
    assert len({c.department for c in clubs}) == 25
    assert not any(c.placeholder for c in clubs)


def test_2006_milestone_places(season_2006: Tournament) -> None:
    assert places(season_2006) == {
        "regional_stage": 50,
        "national_stage": 16,
        "quarterfinal": 8,
        "semifinal": 4,
        "final": 2,
    }


def test_2006_units_are_in_dependency_order(season_2006: Tournament) -> None:
    assert_dependency_order(season_2006)
    assert len(season_2006.units) == 48
    assert season_2006.units[-1].id == "F"


def test_2006_possible_occupants_of_a_regional_final(season_2006: Tournament) -> None:
    assert season_2006.possible["VII-F#winner"] == REGION_VII
    assert season_2006.possible["VII-F#loser"] == REGION_VII
    assert {c.name for c in season_2006.clubs if c.region == "VII"} == REGION_VII
    # A national slot can hold any of the 50; a club name holds only itself.
    assert len(season_2006.possible["F#winner"]) == 50
    assert season_2006.possible["Total Clean"] == {"Total Clean"}


def test_2006_defaults_reach_every_unit(season_2006: Tournament) -> None:
    for unit in season_2006.units:
        if isinstance(unit.spec, S.Group):
            assert unit.spec.rounds == 2
            assert unit.spec.tiebreak == [
                "points",
                "goal_difference",
                "goals_for",
                "head_to_head",
                "lots",
            ]
        elif isinstance(unit.spec, S.Tie):
            assert unit.spec.legs == 2
            assert unit.spec.resolution == ["aggregate_goals", "penalties"]


def test_2006_states_its_assumptions(season_2006: Tournament) -> None:
    assert len(season_2006.spec.season.assumptions) >= 5
    assert season_2006.spec.season.champion == "F#winner"


# --------------------------------------------------------------------------- input hash


def test_input_hash_changes_with_the_file_and_only_then(tmp_path: Path) -> None:
    copy = tmp_path / "copy.toml"
    shutil.copy(SEASON_2006, copy)
    original = load(SEASON_2006).input_hash
    assert len(original) == 64
    assert load(copy).input_hash == original  # same contents, another path
    assert load(copy).input_hash == original  # and again: nothing random in it

    # A comment or blank line changes nothing that is simulated.
    copy.write_text("# a comment\n\n" + SEASON_2006.read_text(encoding="utf-8"), encoding="utf-8")
    assert load(copy).input_hash == original

    # One altitude changes the season.
    text = SEASON_2006.read_text(encoding="utf-8")
    changed = text.replace("altitude_m = 2429", "altitude_m = 2430", 1)
    assert changed != text
    copy.write_text(changed, encoding="utf-8")
    assert load(copy).input_hash != original


# --------------------------------------------------------------------------- defaults

MINI = """\
[season]
id = "mini"
name = "Mini"
champion = "F#winner"

[defaults.group]
rounds = 1
tiebreak = ["points", "better_seed"]
points = {{ win = 2, draw = 1, loss = 0 }}

[defaults.tie]
legs = 1
host = "draw"
resolution = ["aggregate_goals", "extra_time", "lots"]

[[clubs]]
name = "A"
department = "D1"
region = "R"
altitude_m = 0

[[clubs]]
name = "B"
department = "D1"
region = "R"
altitude_m = 0

[[clubs]]
name = "C"
department = "D2"
region = "R"
altitude_m = 0

[[clubs]]
name = "D"
department = "D2"
region = "R"
altitude_m = 0

[[stages]]
id = "only"
name = "Only stage"

[[stages.groups]]
id = "G1"
clubs = ["A", "B"]

[[stages.groups]]
id = "G2"
clubs = ["C", "D"]
{g2_extra}

[[stages.ties]]
id = "F"
a = "G1#1"
b = "G2#1"
{f_extra}
"""


def test_defaults_merge_into_units_and_units_override_them(tmp_path: Path) -> None:
    path = tmp_path / "mini.toml"
    path.write_text(
        MINI.format(
            g2_extra="rounds = 2\nfixtures = [[1, 2], [2, 1], [1, 2]]",
            f_extra='legs = 2\nsecond_leg_host = "a"\nresolution = ["away_goals", "penalties"]',
        ),
        encoding="utf-8",
    )
    tournament = load(path)
    g1, g2, final = (tournament.unit(i).spec for i in ("G1", "G2", "F"))
    assert isinstance(g1, S.Group) and isinstance(g2, S.Group) and isinstance(final, S.Tie)
    # G1 takes every default.
    assert g1.rounds == 1
    assert g1.tiebreak == ["points", "better_seed"]
    assert g1.points == S.Points(win=2, draw=1, loss=0)
    # G2 overrides rounds and adds fixtures (TOML arrays read as pairs); the rest is default.
    assert g2.rounds == 2
    assert g2.fixtures == [(1, 2), (2, 1), (1, 2)]
    assert g2.tiebreak == ["points", "better_seed"]
    # The tie overrides legs, the second-leg host and the chain; `host` stays the default.
    assert final.legs == 2
    assert final.second_leg_host == "a"
    assert final.host == "draw"
    assert final.resolution == ["away_goals", "penalties"]


def test_without_defaults_the_spec_defaults_apply(tmp_path: Path) -> None:
    text = MINI.format(g2_extra="", f_extra="")
    head, _, rest = text.partition("[defaults.group]")
    _, _, rest = rest.partition("[[clubs]]")
    path = tmp_path / "plain.toml"
    path.write_text(head + "[[clubs]]" + rest, encoding="utf-8")
    tournament = load(path)
    group = tournament.unit("G1").spec
    tie = tournament.unit("F").spec
    assert isinstance(group, S.Group) and isinstance(tie, S.Tie)
    assert group.rounds == 2
    assert group.tiebreak == ["points", "goal_difference", "goals_for", "lots"]
    assert group.venue == "home"
    assert (tie.legs, tie.host, tie.second_leg_host) == (2, "a", "b")
    assert tie.resolution == ["aggregate_goals", "penalties"]


def test_parse_slot() -> None:
    assert parse_slot("Total Clean").club == "Total Clean"
    ref = parse_slot("VII-A#2")
    assert (ref.unit, ref.output, ref.club) == ("VII-A", 2, None)
    assert parse_slot("F#winner").output == "winner"


# --------------------------------------------------------------------------- other configs


def test_seed_intro_variant() -> None:
    tournament = load(SEED_INTRO)
    spec = tournament.spec
    assert len(spec.clubs) == 50
    assert len({c.region for c in spec.clubs}) == 8
    assert_dependency_order(tournament)
    assert places(tournament) == {
        "regional_stage": 50,
        "national_stage": 16,
        "quarterfinal": 8,
        "final_group": 4,
    }
    final_group = tournament.unit("FG").spec
    assert isinstance(final_group, S.Group)
    assert final_group.clubs == [f"QF-{k}#winner" for k in range(1, 5)]
    assert (final_group.rounds, final_group.venue) == (1, "Lima")
    assert spec.season.champion == "FG#1"
    assert [o.slots for o in spec.outcomes] == [["FG#1", "FG#2"]]
    assert not any(u.id.startswith(("SF-", "F")) and u.id != "FG" for u in tournament.units)
    assert len(spec.season.assumptions) > len(load(SEASON_2006).spec.season.assumptions)


def test_seed_intro_shares_the_2006_clubs_and_regional_stage(
    season_2006: Tournament,
) -> None:
    intro = load(SEED_INTRO)
    assert intro.spec.clubs == season_2006.spec.clubs
    assert intro.spec.stages[:4] == season_2006.spec.stages[:4]


def test_departmental_example_covers_all_five_stages() -> None:
    tournament = load(DEPARTMENTAL)
    spec = tournament.spec
    assert [s.id for s in spec.stages] == [
        "district",
        "provincial",
        "departmental",
        "regional",
        "national",
    ]
    assert [s.completed for s in spec.stages] == [True, True, False, False, False]
    assert all(c.placeholder and c.rating is None for c in spec.clubs)
    assert len(spec.clubs) == 15
    assert {c.department for c in spec.clubs} == {"Arequipa", "Tacna", "Cusco", "Puno"}
    assert_dependency_order(tournament)
    assert places(tournament) == {
        "departmental_stage": 15,
        "regional_stage": 8,
        "national_stage": 4,
        "final": 2,
    }
    kinds = {u.kind for u in tournament.units}
    assert kinds == {"draw", "group", "tie"}
    assert all(
        d.distinct
        for d in (tournament.unit("VII-draw").spec, tournament.unit("N-draw").spec)
        if isinstance(d, S.Draw)
    )


def test_departmental_example_uses_the_whole_language() -> None:
    spec = load(DEPARTMENTAL).spec
    groups = [g for s in spec.stages for g in s.groups]
    ties = [t for s in spec.stages for t in s.ties]
    assert any("playoff" in g.tiebreak and g.playoff_positions for g in groups)
    assert any(g.venue != "home" for g in groups)
    assert any(t.legs == 1 and t.host == "neutral" and t.venue for t in ties)
    assert any("playoff" in t.resolution and t.playoff_venue for t in ties)
    assert {r.kind for r in spec.results} == {"played", "walkover"}
    assert len(spec.deductions) == 1
