"""Every problem a user can put in a season file ends as one ``InputError`` from the loader.

Each case derives one bad file from a small valid season (:func:`base_toml`) and checks that
the message names the file, the key path, what is wrong and, where one helps, a hint with a
close match; then that ``copa-forecast check BAD.toml`` exits 2 with exactly one line on
stderr and no traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from copa_forecast import main
from forecast.errors import InputError
from forecast.language.config import load


def base_toml() -> str:
    """A small valid season: six clubs, a draw, two groups of three, a one-match final."""
    return """\
[season]
id = "mini"
name = "Mini season"
champion = "F#winner"
assumptions = ["Made up for the tests."]

[[venues]]
name = "Lima"
altitude_m = 154

[defaults.group]
rounds = 2
tiebreak = ["points", "goal_difference", "goals_for", "lots"]

[[clubs]]
name = "Total Clean"
department = "Arequipa"
region = "VII"
altitude_m = 2335

[[clubs]]
name = "Senati"
department = "Arequipa"
region = "VII"
altitude_m = 2335

[[clubs]]
name = "Alfonso Ugarte"
department = "Tacna"
region = "VII"
altitude_m = 562

[[clubs]]
name = "Mariscal Miller"
department = "Tacna"
region = "VII"
altitude_m = 562

[[clubs]]
name = "Cienciano Junior"
department = "Cusco"
region = "VIII"
altitude_m = 3399

[[clubs]]
name = "Unión Carolina"
department = "Puno"
region = "VIII"
altitude_m = 3827

[[stages]]
id = "departmental"
name = "Departmental Stage"
completed = true

[[stages]]
id = "regional"
name = "Regional Stage"

[[stages.draws]]
id = "VII-draw"
entrants = ["Total Clean", "Senati", "Alfonso Ugarte", "Mariscal Miller"]
size = 2
distinct = ["department"]

[[stages.groups]]
id = "VII-A"
clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]

[[stages.groups]]
id = "VII-B"
clubs = ["VII-draw#3", "VII-draw#4", "Unión Carolina"]

[[stages]]
id = "national"
name = "National Stage"

[[stages.ties]]
id = "F"
a = "VII-A#1"
b = "VII-B#1"
legs = 1
host = "neutral"
venue = "Lima"
resolution = ["aggregate_goals", "extra_time", "penalties"]

[[milestones]]
id = "final"
name = "Final"
units = ["F"]

[[outcomes]]
id = "promoted"
name = "Promoted"
slots = ["F#winner"]

[[results]]
unit = "VII-A"
home = "Total Clean"
away = "Cienciano Junior"
score = [1, 0]

[[deductions]]
unit = "VII-B"
club = "Unión Carolina"
points = 1
"""


def swap(old: str, new: str) -> Callable[[str], str]:
    """An edit replacing ``old`` (which must occur exactly once) by ``new``."""

    def edit(text: str) -> str:
        assert text.count(old) == 1, f"the base file no longer contains {old!r} once"
        return text.replace(old, new)

    return edit


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text + "\n" + extra


@dataclass(frozen=True)
class Case:
    """One bad file: the edit that makes it, and the parts its message must contain."""

    name: str
    edit: Callable[[str], str]
    place: str
    message: str
    hint: str | None


GROUP_A = "stages[1] (regional).groups[0] (VII-A)"
GROUP_B = "stages[1] (regional).groups[1] (VII-B)"
DRAW = "stages[1] (regional).draws[0] (VII-draw)"
FINAL = "stages[2] (national).ties[0] (F)"
CIENCIANO_ALTITUDE = 'region = "VIII"\naltitude_m = 3399'

CASES = [
    Case(
        "bad TOML syntax",
        swap('name = "Mini season"', 'name = "Mini season'),
        "line 3, column 20",
        "not valid TOML",
        "check quotes",
    ),
    Case(
        "unknown key with a close match",
        swap(
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]',
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]\n'
            'tiebrake = ["points", "lots"]',
        ),
        f"{GROUP_A}.tiebrake",
        "unknown key 'tiebrake'",
        "did you mean 'tiebreak'?",
    ),
    Case(
        "unknown key in a defaults table",
        swap("rounds = 2\n", "round = 2\n"),
        "defaults.group.round",
        "unknown key 'round'",
        "did you mean 'rounds'?",
    ),
    Case(
        "misspelt club in a slot",
        swap('entrants = ["Total Clean"', 'entrants = ["Total Clen"'),
        f"{DRAW}.entrants[0]",
        "unknown club 'Total Clen'",
        "did you mean 'Total Clean'?",
    ),
    Case(
        "unknown unit in a slot reference",
        swap('a = "VII-A#1"', 'a = "VIIA#1"'),
        f"{FINAL}.a",
        "slot 'VIIA#1' names unknown unit 'VIIA'",
        "did you mean unit 'VII-A'?",
    ),
    Case(
        "a group position nothing fills",
        swap('a = "VII-A#1"', 'a = "VII-A#5"'),
        f"{FINAL}.a",
        "nothing fills slot 'VII-A#5': group 'VII-A' has outputs 1..3",
        "use 'VII-A#1' to 'VII-A#3'",
    ),
    Case(
        "a tie output that does not exist",
        swap('champion = "F#winner"', 'champion = "F#runner"'),
        "season.champion",
        "nothing fills slot 'F#runner': tie 'F' has outputs winner, loser",
        "did you mean 'winner'?",
    ),
    Case(
        "a slot two units fill",
        swap('b = "VII-B#1"', 'b = "VII-A#1"'),
        f"{FINAL}.b",
        f"'VII-A#1' fills two places: here and {FINAL}.a",
        "a club can only be in one place at a time",
    ),
    Case(
        "a group with one club",
        swap('clubs = ["VII-draw#3", "VII-draw#4", "Unión Carolina"]', 'clubs = ["VII-draw#3"]'),
        f"{GROUP_B}.clubs",
        "a group needs at least two clubs",
        None,
    ),
    Case(
        "an impossible draw constraint",
        swap('name = "Senati"\ndepartment = "Arequipa"', 'name = "Senati"\ndepartment = "Tacna"'),
        f"{DRAW}.distinct",
        "no allocation satisfies distinct = ['department']",
        "3 entrants share department 'Tacna' but there are only 2 buckets",
    ),
    Case(
        "a tiebreak name that does not exist",
        swap('tiebreak = ["points", "goal_difference"', 'tiebreak = ["points", "goal_diference"'),
        f"{GROUP_A}.tiebreak[1]",
        "'goal_diference' is not one of the allowed names",
        "did you mean 'goal_difference'?",
    ),
    Case(
        "a resolution name that does not exist",
        swap('"extra_time", "penalties"]', '"extra_time", "penalty"]'),
        f"{FINAL}.resolution[2]",
        "'penalty' is not one of the allowed names",
        "did you mean 'penalties'?",
    ),
    Case(
        "a tiebreak chain that can leave clubs level",
        swap('"goals_for", "lots"]', '"goals_for"]'),
        f"{GROUP_A}.tiebreak",
        "the chain can leave clubs level: it ends with 'goals_for'",
        "end it with one of: better_seed, lots, playoff",
    ),
    Case(
        "a resolution chain that can leave a tie level",
        swap('"extra_time", "penalties"]', '"extra_time"]'),
        f"{FINAL}.resolution",
        "the chain can leave clubs level: it ends with 'extra_time'",
        "end it with one of: better_seed, lots, penalties, playoff",
    ),
    Case(
        "a play-off limited to some places cannot end a chain",
        swap(
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]',
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]\n'
            'tiebreak = ["points", "playoff"]\nplayoff_positions = [1]',
        ),
        f"{GROUP_A}.tiebreak",
        "it ends with 'playoff', which only decides the playoff_positions",
        "add 'lots' or 'better_seed' after it",
    ),
    Case(
        "a decisive criterion before the end of the chain",
        swap('"extra_time", "penalties"]', '"penalties", "lots"]'),
        f"{FINAL}.resolution[2]",
        "'penalties' always decides, so 'lots' after it is never used",
        "remove the criteria after it",
    ),
    Case(
        "playoff_positions without a play-off",
        swap(
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]',
            'clubs = ["VII-draw#1", "VII-draw#2", "Cienciano Junior"]\nplayoff_positions = [1]',
        ),
        f"{GROUP_A}.playoff_positions",
        "'playoff_positions' is given but the tiebreak has no 'playoff'",
        "add 'playoff' to the tiebreak",
    ),
    Case(
        "duplicate club names",
        swap(
            '[[clubs]]\nname = "Senati"',
            '[[clubs]]\nname = "Total Clean"\ndepartment = "Arequipa"\nregion = "VII"\n'
            'altitude_m = 2335\n\n[[clubs]]\nname = "Senati"',
        ),
        "clubs[1] (Total Clean)",
        "club 'Total Clean' is declared twice",
        "give each club a unique name",
    ),
    Case(
        "a '#' in a club name",
        swap('name = "Mariscal Miller"', 'name = "Mariscal Miller #2"'),
        "clubs[3] (Mariscal Miller #2)",
        "club name 'Mariscal Miller #2' contains '#'",
        "'#' is reserved for slot references",
    ),
    Case(
        "duplicate unit ids",
        swap('id = "VII-B"', 'id = "VII-A"'),
        GROUP_B.replace("VII-B", "VII-A"),
        "unit id 'VII-A' is used twice",
        f"the first is at {GROUP_A}",
    ),
    Case(
        "duplicate stage ids",
        swap('id = "national"', 'id = "regional"'),
        "stages[2] (regional)",
        "stage id 'regional' is used twice",
        "the first is stages[1]",
    ),
    Case(
        "units feeding each other in a circle",
        append(
            '[[stages]]\nid = "extra"\nname = "Extra"\n\n'
            '[[stages.ties]]\nid = "X1"\na = "X2#winner"\nb = "VII-A#2"\n\n'
            '[[stages.ties]]\nid = "X2"\na = "X1#winner"\nb = "VII-B#2"\n'
        ),
        "stages[3] (extra).ties[0] (X1)",
        "units feed each other in a circle: X1 -> X2 -> X1",
        "a unit can only read outcomes of units played before it",
    ),
    Case(
        "unknown venue",
        swap('venue = "Lima"', 'venue = "Lmia"'),
        f"{FINAL}.venue",
        "unknown venue 'Lmia'",
        "did you mean 'Lima'?",
    ),
    Case(
        "a venue for a tie hosted by the clubs",
        swap('host = "neutral"\n', 'host = "a"\n'),
        FINAL,
        "'venue' names the neutral ground of a tie with host = 'neutral'",
        None,
    ),
    Case(
        "a known result naming a club that can never play in that unit",
        swap('away = "Cienciano Junior"', 'away = "Unión Carolina"'),
        "results[0].away",
        "club 'Unión Carolina' can never play in group 'VII-A'",
        "check the unit id or the club",
    ),
    Case(
        "a walkover awarded to a club not in the match",
        swap("score = [1, 0]", 'kind = "walkover"\nawarded_to = "Senati"'),
        "results[0].awarded_to",
        "'Senati' is neither the home nor the away club",
        "name the club that was awarded the match",
    ),
    Case(
        "the same known match twice",
        append(
            '[[results]]\nunit = "VII-A"\nhome = "Total Clean"\n'
            'away = "Cienciano Junior"\nscore = [2, 2]\n'
        ),
        "results[1]",
        "the match Total Clean (home) v Cienciano Junior is already given at results[0]",
        "give each match once",
    ),
    Case(
        "a deduction in a unit that is not a group",
        swap('unit = "VII-B"\nclub', 'unit = "F"\nclub'),
        "deductions[0].unit",
        "'F' is a tie; a points deduction needs a group",
        None,
    ),
    Case(
        "a club declared but entering no unit",
        append(
            '[[clubs]]\nname = "Deportivo GER"\ndepartment = "Moquegua"\nregion = "VII"\n'
            "altitude_m = 10\n"
        ),
        "clubs[6] (Deportivo GER)",
        "club 'Deportivo GER' enters no unit",
        "list it in a draw, group or tie, or remove it",
    ),
    Case(
        "missing required key",
        swap(CIENCIANO_ALTITUDE, 'region = "VIII"'),
        "clubs[4] (Cienciano Junior).altitude_m",
        "missing required key 'altitude_m'",
        None,
    ),
    Case(
        "a string where a number belongs",
        swap(CIENCIANO_ALTITUDE, 'region = "VIII"\naltitude_m = "3399"'),
        "clubs[4] (Cienciano Junior).altitude_m",
        "expected a number, got the text '3399'",
        "write the number without quotes",
    ),
    Case(
        "a word where a number belongs",
        swap(CIENCIANO_ALTITUDE, 'region = "VIII"\naltitude_m = "high"'),
        "clubs[4] (Cienciano Junior).altitude_m",
        "expected a number, got the text 'high'",
        "write the number without quotes",
    ),
    Case(
        "a defaults entry that is not a table",
        swap(
            "[defaults.group]\nrounds = 2\n", "[defaults]\ntie = 2\n[defaults.group]\nrounds = 2\n"
        ),
        "defaults.tie",
        "'defaults.tie' must be a table",
        "write it as [defaults.tie]",
    ),
    Case(
        "a milestone pattern matching no unit",
        swap('units = ["F"]', 'units = ["SF-*"]'),
        "milestones[0] (final).units[0]",
        "pattern 'SF-*' matches no unit",
        None,
    ),
]


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    def _write(text: str) -> Path:
        path = tmp_path / "season.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def test_base_file_is_valid(write: Callable[[str], Path]) -> None:
    tournament = load(write(base_toml()))
    assert [u.id for u in tournament.units] == ["VII-draw", "VII-A", "VII-B", "F"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_loader_names_file_place_problem_and_hint(case: Case, write: Callable[[str], Path]) -> None:
    path = write(case.edit(base_toml()))
    with pytest.raises(InputError) as caught:
        load(path)
    error = caught.value
    assert error.file == str(path)
    assert error.place == case.place
    assert case.message in error.message
    if case.hint is None:
        assert error.hint is None or "did you mean" not in error.hint
    else:
        assert error.hint is not None and case.hint in error.hint
    # The one-line text a user sees carries all of it.
    text = str(error)
    assert text.startswith(f"{path}: {case.place}: ")
    assert "\n" not in text


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_command_exits_2_with_one_line(
    case: Case, write: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(case.edit(base_toml()))
    status = main(["check", str(path)])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"copa-forecast: error: {path}: {case.place}: ")
    assert case.message in lines[0]
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "name", ["bad TOML syntax", "misspelt club in a slot", "a string where a number belongs"]
)
def test_check_command_as_a_user_runs_it(name: str, write: Callable[[str], Path]) -> None:
    """The real process: exit status 2, one line on stderr, no traceback, nothing compiled."""
    case = next(c for c in CASES if c.name == name)
    path = write(case.edit(base_toml()))
    done = subprocess.run(
        [sys.executable, "-m", "copa_forecast", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert case.message in done.stderr
    assert "Traceback" not in done.stderr


def test_errors_come_before_any_simulation_code_is_imported(
    write: Callable[[str], Path],
) -> None:
    """A bad file fails in the loader: neither the engine nor numba is imported."""
    path = write(swap('entrants = ["Total Clean"', 'entrants = ["Total Clen"')(base_toml()))
    probe = (
        "import sys\n"
        "from forecast.language.config import load\n"
        "from forecast.errors import InputError\n"
        "try:\n"
        f"    load({str(path)!r})\n"
        "except InputError:\n"
        "    engine = ('numba', 'forecast.engine.simulate', 'forecast.engine.compiler')\n"
        "    print(sorted(m for m in engine if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "[]"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path / "nowhere.toml")
    assert caught.value.file == str(tmp_path / "nowhere.toml")
    assert caught.value.message == "file not found"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(base_toml().replace("Unión", "Uni\u00f3n").encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.message.startswith("not UTF-8 text")
    assert caught.value.hint == "save the file as UTF-8"


def test_a_season_needs_two_clubs_not_a_group_message(write: Callable[[str], Path]) -> None:
    """The roster's minimum is not reported as a group's (both keys are called `clubs`)."""
    text = base_toml()
    head, _, _ = text.partition("[[clubs]]")
    _, _, tail = text.partition("[[stages]]")
    one_club = (
        head + '[[clubs]]\nname = "Total Clean"\ndepartment = "Arequipa"\nregion = "VII"\n'
        "altitude_m = 2335\n\n[[stages]]" + tail
    )
    with pytest.raises(InputError) as caught:
        load(write(one_club))
    assert caught.value.place == "clubs"
    assert caught.value.message == "a season needs at least two [[clubs]]"
