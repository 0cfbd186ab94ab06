"""Engine features with a certain answer: withdrawn clubs and ties at neutral venues."""

from __future__ import annotations

from pathlib import Path

import forecast

HEAD = """
[season]
id = "features"
name = "Features"
champion = "{champion}"

[model]
defaults = "none"
home_advantage = 300.0

[[venues]]
name = "Lima"
altitude_m = 154
"""
CLUB = """
[[clubs]]
name = "{name}"
department = "{name}"
region = "R"
altitude_m = {altitude}
{extra}
"""


def _load(tmp_path: Path, text: str) -> forecast.Tournament:
    path = tmp_path / "features.toml"
    path.write_text(text, encoding="utf-8")
    return forecast.load(path)


def test_excluded_club_loses_every_match(tmp_path: Path) -> None:
    """A withdrawn club is last of its group in every season (0 points against 3 each)."""
    text = HEAD.format(champion="G#1")
    text += CLUB.format(name="Alfa", altitude=150, extra="excluded = true\nrating = 2500")
    text += CLUB.format(name="Beta", altitude=3400, extra="")
    text += CLUB.format(name="Gama", altitude=3800, extra="")
    text += """
[[stages]]
id = "s"
name = "Stage"

[[stages.groups]]
id = "G"
clubs = ["Alfa", "Beta", "Gama"]
"""
    result = forecast.simulate(_load(tmp_path, text), 5_000, seed=11)
    assert result.slot_odds.loc["G#3", "Alfa"] == 1.0


def test_neutral_two_legged_tie_has_no_home_edge(tmp_path: Path) -> None:
    """Equal clubs, a 300-point home advantage, both legs at a neutral venue: a coin toss.

    If the neutral venue were ignored, side a would host both legs and win about 90% of
    the time. Tolerance: 4 standard errors of a 20,000-season estimate of 1/2.
    """
    text = HEAD.format(champion="F#winner")
    text += CLUB.format(name="Beta", altitude=3400, extra="")
    text += CLUB.format(name="Gama", altitude=3800, extra="")
    text += """
[[stages]]
id = "s"
name = "Stage"

[[stages.ties]]
id = "F"
a = "Beta"
b = "Gama"
legs = 2
host = "neutral"
venue = "Lima"
resolution = ["aggregate_goals", "away_goals", "penalties"]
"""
    n = 20_000
    result = forecast.simulate(_load(tmp_path, text), n, seed=11)
    assert abs(result.odds.loc["Beta", "champion"] - 0.5) <= 4 * (0.25 / n) ** 0.5
