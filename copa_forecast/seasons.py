"""``copa-forecast seasons [DIR]``: the season files shipped in a folder, one line each.

Each line gives the year, the file, and the format as its units describe it: the rounds of
every stage still to be played (a round is the units no earlier unit of the stage feeds,
then those they feed, ...), the rule of its ties, the clubs (and how many are placeholders)
and the known results. Every file is loaded and checked on the way; one that fails is
listed with its error, and the command then exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import tomllib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copa_forecast._options import loading_modules

if TYPE_CHECKING:
    from forecast.language.config import Tournament, Unit

__all__ = ["format_summary", "register", "season_files"]

WIDTH = 100


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "seasons",
        help="list the shipped season files with their format, one line each",
        description="List the season files in a folder (default: configs) with their year, "
        "format, clubs and known results; every file is checked on the way.",
    )
    parser.add_argument(
        "folder",
        nargs="?",
        default="configs",
        metavar="DIR",
        help="the folder of season files (default: configs)",
    )
    parser.set_defaults(func=_cmd_seasons)


def season_files(folder: Path) -> list[Path]:
    """The TOML files in ``folder`` that are season files (a ``[season]`` table and stages,
    not a scenario overlay), in name order."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            out.append(path)  # listed, so that loading it reports the problem
            continue
        if "season" in data and "stages" in data and "scenario" not in data:
            out.append(path)
    return out


def _cmd_seasons(args: argparse.Namespace) -> int:
    from forecast.errors import InputError

    with loading_modules():  # (Ctrl-C held while pydantic builds the season's models)
        from forecast.engine.inputs import display_path
        from forecast.language.config import load

    folder = Path(args.folder)
    if not folder.is_dir():
        raise InputError(
            "no such folder",
            file=str(folder),
            place="DIR",
            hint="give the folder of the season files, e.g. configs",
        )
    files = season_files(folder)
    if not files:
        raise InputError(
            "no season file in this folder",
            file=str(folder),
            place="DIR",
            hint="a season file has a [season] table and [[stages]] (docs/format.md)",
        )
    failed = 0
    lines = [f"{len(files)} season files in {display_path(folder)}/ (check FILE prints one whole)"]
    for path in files:
        try:
            tournament = load(path)
        except InputError as error:
            failed += 1
            lines += ["", f"{path.name}: fails check: {error}"]
            continue
        spec = tournament.spec
        year = str(spec.season.year) if spec.season.year is not None else "----"
        lines += ["", f"{year}  {display_path(path)}  {spec.season.name}"]
        lines += textwrap.wrap(
            format_summary(tournament), width=WIDTH, initial_indent="      ",
            subsequent_indent="      ",
        )  # fmt: skip
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    return 2 if failed else 0


def _rounds(units: list[Unit], stage_ids: set[str]) -> list[list[Unit]]:
    """The stage's units by round: depth 0 are fed by no unit of the stage, and so on."""
    depth: dict[str, int] = {}
    for unit in units:  # in play order: feeders come first
        feeding = [depth[r.unit] for r in unit.inputs if r.unit in stage_ids and r.unit in depth]
        depth[unit.id] = 1 + max(feeding) if feeding else 0
    rounds: list[list[Unit]] = []
    for unit in units:
        while len(rounds) <= depth[unit.id]:
            rounds.append([])
        rounds[depth[unit.id]].append(unit)
    return rounds


def _describe_round(units: list[Unit]) -> str:
    parts = []
    kinds = Counter(u.kind for u in units)
    for kind in ("draw", "group", "tie"):
        same = [u for u in units if u.kind == kind]
        if not same:
            continue
        n = kinds[kind]
        if kind == "tie":
            legs = {getattr(u.spec, "legs", 2) for u in same}
            how = "two-legged " if legs == {2} else "one-match " if legs == {1} else ""
            parts.append(f"{n} {how}tie{'s' if n > 1 else ''}")
        else:
            sizes = sorted({len(u.inputs) for u in same})
            size = "/".join(map(str, sizes))
            word = "group" if kind == "group" else "draw"
            text = f"{n} {word}{'s' if n > 1 else ''} of {size}"
            venues = {getattr(u.spec, "venue", "home") for u in same}
            if kind == "group" and venues != {"home"} and len(venues) == 1:
                text += f" at {venues.pop()}"
            parts.append(text)
    return " + ".join(parts)


def format_summary(tournament: Tournament) -> str:
    """One line: each open stage's rounds, the ties' rule, clubs and known results."""
    spec = tournament.spec
    stages = []
    for stage in spec.stages:
        if stage.completed:
            continue
        units = [u for u in tournament.units if u.stage == stage.id]
        ids = {u.id for u in units}
        rounds = " → ".join(_describe_round(r) for r in _rounds(units, ids))
        stages.append(f"{stage.name}: {rounds}")
    rules = Counter(
        " > ".join(u.spec.resolution)
        for u in tournament.units
        if u.kind == "tie"  # type: ignore[union-attr]
    )
    text = "; ".join(stages)
    if rules:
        text += f". Ties: {rules.most_common(1)[0][0]}"
        if len(rules) > 1:
            text += f" ({len(rules) - 1} other rule{'s' if len(rules) > 2 else ''} too)"
    placeholders = sum(1 for c in spec.clubs if c.placeholder)
    text += f". {len(spec.clubs)} clubs"
    if placeholders:
        text += f" ({placeholders} placeholders)"
    text += f", {len(spec.results)} known results"
    if tournament.implied:
        text += f" (fixing {len(tournament.implied)} earlier outcomes)"
    return text + "."
