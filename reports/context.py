"""What a report says about the run besides the numbers: the season, the files, the time.

Reports never read configs or simulate; the CLI fills a :class:`RunContext` from the loaded
season and hands it over with the Forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["RunContext"]


@dataclass(frozen=True)
class RunContext:
    """The run's description, as the reports print it.

    Attributes
    ----------
    season_id, season_name : from the season file's ``[season]`` table.
    assumptions : the season's ``[season].assumptions``, in order (after scenario overlays).
    config : the season file as the user named it.
    scenarios : the scenario files laid over it, in order.
    generated_at : when the run finished (timezone-aware); only odds.json and report.md
        show it, so that odds.csv is the same for the same tallies.
    wall_seconds : the whole run (load, compile, simulate), as opposed to the engine's
        own ``metadata["seconds"]``.
    description : the season's description, if any.
    lang : the language of report.md, report.html, the charts and the terminal (one of
        :data:`reports.i18n.LANGUAGES`; odds.csv keeps its English column names).
    """

    season_id: str
    season_name: str
    config: str
    generated_at: datetime
    assumptions: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    wall_seconds: float | None = None
    description: str = ""
    lang: str = "en"
