"""The format itself: how clubs flow from departments through the stages to the outcomes.

:func:`format_graph` reads a season's :class:`~forecast.run_info.SeasonOutline` (the loaded
file's plain facts; nothing is read from disk here) into a plain :class:`FlowGraph`: a column
of departments, one column per stage still to be played, and a column of outcomes. Within a
stage, the units that feed each other (a region's draw, its groups and its final) form one
node; ribbons carry the number of places from node to node. :func:`format_flow` draws it as a
Sankey-like layered diagram, so any season file draws its own format.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from forecast.run_info import SeasonOutline, UnitOutline
from reports.charts._style import LABEL_SIZE, region_colors, set_caption, set_title

__all__ = ["FlowDrawing", "FlowEdge", "FlowGraph", "FlowNode", "format_flow", "format_graph"]


@dataclass(frozen=True)
class FlowNode:
    """A box of the diagram.

    Attributes
    ----------
    id : unique key (``dept:Lima``, ``stage:regional:3``, ``outcome:promoted``).
    column : 0 for departments, then one per stage, then the outcomes.
    label : bold first line (department, "Region VII", a stage or an outcome name).
    detail : smaller lines under it (clubs in and out, units, rounds).
    size : clubs entering (its height); an outcome's size is its places per season.
    region : the single region its clubs come from, if there is one (its colour).
    """

    id: str
    column: int
    label: str
    detail: str
    size: int
    region: str | None = None


@dataclass(frozen=True)
class FlowEdge:
    source: str
    target: str
    weight: int  # places per season carried from source to target
    region: str | None = None


@dataclass(frozen=True)
class FlowGraph:
    """Columns (headers), nodes, edges and a note on the stages already completed."""

    title: str
    columns: tuple[str, ...]
    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]
    note: str = ""
    regions: tuple[str, ...] = ()


@dataclass
class FlowDrawing:
    """What :func:`format_flow` drew: node boxes and ribbons by id, and the texts."""

    boxes: dict[str, Any] = field(default_factory=dict)
    ribbons: list[Any] = field(default_factory=list)
    texts: list[Any] = field(default_factory=list)


# --------------------------------------------------------------------------- the graph


def format_graph(season: SeasonOutline, lang: str = "en") -> FlowGraph:
    """The flow of clubs through ``season``'s format (see the module docstring), its words
    in ``lang``."""
    from reports.i18n import translator

    tr = translator(lang)
    _, ngettext = tr.gettext, tr.ngettext
    club_of = {c.name: c for c in season.clubs}
    stage_order = [s.id for s in season.stages]
    stage_name = {s.id: tr.data(s.name) for s in season.stages}
    units = list(season.units)
    unit_stage = {u.id: u.stage for u in units}
    active = [s for s in stage_order if any(u.stage == s for u in units)]

    # Units of one stage that feed each other are one node (union-find on unit ids).
    parent = {u.id: u.id for u in units}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for u in units:
        for ref in u.inputs:
            if ref.unit is not None and unit_stage.get(ref.unit) == u.stage:
                parent[find(ref.unit)] = find(u.id)
    components: dict[str, list[UnitOutline]] = {}
    for u in units:  # file order, so nodes come out in the order the season file lists them
        components.setdefault(find(u.id), []).append(u)
    comp_of = {u.id: find(u.id) for u in units}

    comp_info: dict[str, dict[str, Any]] = {}
    for root, members in components.items():
        ids = {m.id for m in members}
        entrants = [ref for m in members for ref in m.inputs if ref.unit not in ids]
        possible: set[str] = set()
        for ref in entrants:
            possible |= set(season.possible.get(ref.text, frozenset()))
            if ref.club is not None:
                possible.add(ref.club)
        possible &= set(club_of)
        comp_info[root] = {
            "stage": members[0].stage,
            "members": members,
            "entrants": entrants,
            "departments": {club_of[c].department for c in possible},
            "regions": {club_of[c].region for c in possible},
        }

    # Labels: name a node by what tells it apart from the other nodes of its stage.
    labels: dict[str, str] = {}
    for stage in active:
        roots = [r for r in components if comp_info[r]["stage"] == stage]
        regions = [comp_info[r]["regions"] for r in roots]
        departments = [comp_info[r]["departments"] for r in roots]
        for k, root in enumerate(roots):
            if len(roots) == 1:
                labels[root] = stage_name[stage]
            elif all(len(r) == 1 for r in regions) and _distinct(regions):
                labels[root] = _("Region %(region)s") % {"region": next(iter(regions[k]))}
            elif all(len(d) == 1 for d in departments) and _distinct(departments):
                labels[root] = next(iter(departments[k]))
            else:
                labels[root] = _common_prefix([m.id for m in comp_info[root]["members"]])

    # Edges between stage nodes, from the slots a node reads from another node.
    weights: dict[tuple[str, str], int] = defaultdict(int)
    dept_weights: dict[tuple[str, str], int] = defaultdict(int)
    for root, info in comp_info.items():
        for ref in info["entrants"]:
            if ref.club is not None:
                dept = club_of[ref.club].department
                dept_weights[(dept, root)] += 1
            elif ref.unit is not None:
                weights[(comp_of[ref.unit], root)] += 1
    outgoing: dict[str, int] = defaultdict(int)
    for (source, _target), w in weights.items():
        outgoing[source] += w

    champion_unit = season.champion.rpartition("#")[0]
    outcome_edges: dict[tuple[str, str], int] = defaultdict(int)
    outcome_nodes: list[FlowNode] = []
    last = len(active) + 1
    champion_in_outcome = False
    for outcome in season.outcomes:
        node_id = f"outcome:{outcome.id}"
        for slot in outcome.slots:
            unit = slot.rpartition("#")[0]
            if unit in comp_of:
                outcome_edges[(comp_of[unit], node_id)] += 1
                outgoing[comp_of[unit]] += 1
        holds_champion = season.champion in outcome.slots
        champion_in_outcome |= holds_champion
        places = len(outcome.slots)
        detail = ngettext("%(n)s club a season", "%(n)s clubs a season", places) % {"n": places}
        if holds_champion:
            detail += _(" (the champion among them)") if places > 1 else _(" (the champion)")
        outcome_nodes.append(FlowNode(node_id, last, tr.data(outcome.name), detail, places))
    if not champion_in_outcome and champion_unit in comp_of:
        outcome_edges[(comp_of[champion_unit], "outcome:champion")] += 1
        outgoing[comp_of[champion_unit]] += 1
        outcome_nodes.append(
            FlowNode(
                "outcome:champion",
                last,
                _("Champion"),
                ngettext("%(num)s club", "%(num)s clubs", 1) % {"num": 1},
                1,
            )
        )

    nodes: list[FlowNode] = []
    dept_clubs: dict[str, int] = defaultdict(int)
    dept_region: dict[str, str] = {}
    for club in season.clubs:
        dept_clubs[club.department] += 1
        dept_region.setdefault(club.department, club.region)
    entering = {d for d, _r in dept_weights}
    for dept in dept_clubs:
        if dept in entering:
            n = sum(w for (d, _r), w in dept_weights.items() if d == dept)
            nodes.append(FlowNode(f"dept:{dept}", 0, dept, f"{n}", n, dept_region[dept]))
    milestone_units = {m.id: (set(m.units), tr.data(m.name), m) for m in season.milestones}
    for root, info in comp_info.items():
        members = info["members"]
        n_in = len(info["entrants"])
        kinds = _unit_summary(members, lang)
        texts = [
            _("%(n)s clubs → %(out)s") % {"n": n_in, "out": outgoing.get(root, 0)},
            kinds,
        ]
        ids = {m.id for m in members}
        # The rounds inside a node (Quarterfinals: 8, ...), but not the one that is the
        # node's own entry (its club count already says it).
        rounds = [
            f"{name}: {places}"
            for units_of, name, m in milestone_units.values()
            if units_of and units_of <= ids and units_of != ids and (places := m.places) != n_in
        ]
        if rounds and len(rounds) <= 6:
            texts += rounds
        region = next(iter(info["regions"])) if len(info["regions"]) == 1 else None
        nodes.append(
            FlowNode(
                f"stage:{root}",
                active.index(info["stage"]) + 1,
                labels[root],
                "\n".join(t for t in texts if t),
                n_in,
                region,
            )
        )
    nodes += outcome_nodes

    edges: list[FlowEdge] = []
    for (dept, root), w in dept_weights.items():
        edges.append(FlowEdge(f"dept:{dept}", f"stage:{root}", w, dept_region[dept]))
    for (source, target), w in weights.items():
        region = next(iter(comp_info[source]["regions"]), None)
        one = len(comp_info[source]["regions"]) == 1
        edges.append(FlowEdge(f"stage:{source}", f"stage:{target}", w, region if one else None))
    for (source, target), w in outcome_edges.items():
        regions = comp_info[source]["regions"]
        region = next(iter(regions)) if len(regions) == 1 else None
        edges.append(FlowEdge(f"stage:{source}", target, w, region))

    done = [stage_name[s.id] for s in season.stages if s.id not in active]
    note = ""
    if done:
        note = (
            _("Already played: %(stages)s; the clubs on the left are their qualifiers.")
            % {"stages": _join(done, lang)}
            if len(done) > 1
            else _("Already played: %(stage)s; the clubs on the left are its qualifiers.")
            % {"stage": done[0]}
        )
    columns = (_("Departments (clubs)"), *(stage_name[s] for s in active), _("Outcomes"))
    return FlowGraph(
        title=_("%(season)s: the format") % {"season": season.name},
        columns=columns,
        nodes=tuple(nodes),
        edges=tuple(edges),
        note=note,
        regions=tuple(sorted({c.region for c in season.clubs})),
    )


def _distinct(sets: list[set[str]]) -> bool:
    values = [next(iter(s)) for s in sets]
    return len(set(values)) == len(values)


def _common_prefix(ids: list[str]) -> str:
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    prefix = prefix.rstrip("-_.#")
    return prefix or ", ".join(ids[:3])


def _unit_summary(members: list[UnitOutline], lang: str = "en") -> str:
    from reports.i18n import translator

    ngettext = translator(lang).ngettext
    groups = [m for m in members if m.kind == "group"]
    ties = [m for m in members if m.kind == "tie"]
    parts = []
    if groups:
        parts.append(ngettext("%(n)s group", "%(n)s groups", len(groups)) % {"n": len(groups)})
    if ties:
        parts.append(ngettext("%(n)s tie", "%(n)s ties", len(ties)) % {"n": len(ties)})
    return " + ".join(parts)


def _join(items: list[str], lang: str = "en") -> str:
    from reports.i18n import translator

    if len(items) <= 1:
        return items[0]
    return translator(lang).gettext("%(items)s and %(last)s") % {
        "items": ", ".join(items[:-1]),
        "last": items[-1],
    }


# --------------------------------------------------------------------------- drawing

_GAP = 0.9  # vertical gap between nodes, in clubs
_OUTCOME_SLOT = 3.6  # an outcome's label needs three lines whatever its places
_NODE_W = 0.5  # narrowest stage node, in column spacings
_WRAP = 19  # characters per line inside a stage node ("Cuartos de final: 8")
#: Column spacings a character of a stage node's text takes, and the room left and right
#: of its longest line: the diagram's width grows with its columns (about 2 inches a
#: column), so a character (9 pt) is about 0.034 of a column whatever the season.
_CHAR_W = 0.034
_PAD_W = 0.045
_DEPT_W = 0.05


def format_flow(
    ax: Axes,
    graph: FlowGraph | SeasonOutline,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> FlowDrawing:
    """Draw the format as layered boxes joined by ribbons as wide as the places they carry.

    Parameters
    ----------
    graph : a :class:`FlowGraph`, or a season's outline to build one from.
    title : defaults to the graph's title.

    Returns
    -------
    :class:`FlowDrawing` with every node's box (by node id), the ribbons and the texts.
    """
    if not isinstance(graph, FlowGraph):
        graph = format_graph(graph)
    colors = region_colors(graph.regions or [n.region for n in graph.nodes if n.region])
    by_column: dict[int, list[FlowNode]] = defaultdict(list)
    for node in graph.nodes:
        by_column[node.column].append(node)
    n_columns = max(by_column) + 1 if by_column else 1
    _order_columns(by_column, graph.edges, n_columns)

    # Heights in clubs; each column centred on the tallest one.
    def slot(node: FlowNode) -> float:
        if node.column == n_columns - 1:
            return max(node.size, _OUTCOME_SLOT)
        return max(node.size, 1)

    def column_height(nodes: list[FlowNode]) -> float:
        return sum(slot(n) for n in nodes) + _GAP * (len(nodes) - 1)

    tallest = max(column_height(v) for v in by_column.values())
    top: dict[str, float] = {}
    for nodes in by_column.values():
        y = (tallest - column_height(nodes)) / 2
        for node in nodes:
            # A node sits in the middle of its slot (outcomes' slots are taller than them).
            top[node.id] = y + (slot(node) - max(node.size, 1)) / 2
            y += slot(node) + _GAP
    node_of = {n.id: n for n in graph.nodes}

    def left(node: FlowNode) -> float:
        return node.column - (_DEPT_W / 2 if node.column == 0 else 0)

    # Stage nodes are as wide as their longest line needs ("2 groups + 1 tie"), at least
    # half a column and, lines wrapping at _WRAP characters, at most 0.74 of one; one
    # width for all, so that the columns stay aligned.
    longest = max(
        (len(line) for n in graph.nodes if 0 < n.column < n_columns - 1 for line in _lines(n)),
        default=0,
    )
    node_w = max(_NODE_W, _CHAR_W * longest + 2 * _PAD_W)

    def width(node: FlowNode) -> float:
        if node.column == 0:
            return _DEPT_W
        return _DEPT_W if node.column == n_columns - 1 else node_w

    drawing = FlowDrawing()
    # Ribbons first, under the boxes; stacked at each end in the order of the other end.
    out_cursor: dict[str, float] = {}
    in_cursor: dict[str, float] = {}
    for node in graph.nodes:
        n_out = sum(e.weight for e in graph.edges if e.source == node.id)
        n_in = sum(e.weight for e in graph.edges if e.target == node.id)
        h = max(node.size, 1)
        out_cursor[node.id] = top[node.id] + (h - n_out) / 2
        in_cursor[node.id] = top[node.id] + (h - n_in) / 2
    edges = sorted(graph.edges, key=lambda e: (top[e.source], top[e.target]))
    for edge in edges:
        source, target = node_of[edge.source], node_of[edge.target]
        x0 = left(source) + width(source)
        x1 = left(target)
        y0 = out_cursor[edge.source]
        y1 = in_cursor[edge.target]
        out_cursor[edge.source] += edge.weight
        in_cursor[edge.target] += edge.weight
        color = colors.get(edge.region, "#999999") if edge.region else "#999999"
        patch = PathPatch(
            _ribbon(x0, y0, x1, y1, edge.weight),
            facecolor=color,
            alpha=0.38,
            edgecolor="none",
            zorder=1,
        )
        ax.add_patch(patch)
        drawing.ribbons.append(patch)

    for node in graph.nodes:
        h = max(node.size, 1)
        color = colors.get(node.region, "#BBBBBB") if node.region else "#BBBBBB"
        x, w, y = left(node), width(node), top[node.id]
        if node.column == 0 or node.column == n_columns - 1:
            box: Any = Rectangle((x, y), w, h, facecolor=color, edgecolor="0.2", lw=0.5, zorder=2)
        else:
            box = FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle="round,pad=0,rounding_size=0.04",
                facecolor=_tint(color),
                edgecolor=color if node.region else "0.4",
                lw=1.2,
                zorder=2,
            )
        ax.add_patch(box)
        drawing.boxes[node.id] = box
        drawing.texts += _node_texts(ax, node, x, w, y, h, n_columns)

    for k, header in enumerate(graph.columns):
        drawing.texts.append(
            ax.text(
                k + (node_w / 2 if 0 < k < n_columns - 1 else 0),
                -1.6,
                "\n".join(textwrap.wrap(header, 18)),
                ha="center",
                va="bottom",
                fontsize=LABEL_SIZE + 0.5,
                fontweight="bold",
                color="0.15",
            )
        )
    ax.set_xlim(-1.05, n_columns - 1 + 1.7)
    ax.set_ylim(tallest + 0.5, -4.2)
    ax.set_axis_off()
    set_title(ax, title or graph.title)
    if graph.note:
        # Wrapped to the figure's width like the caption (about 0.55 em a glyph).
        fig = ax.get_figure()
        width_in = float(fig.get_size_inches()[0]) if isinstance(fig, Figure) else 8.0
        chars = max(40, int(width_in * 72 / (0.55 * (LABEL_SIZE - 0.5))) - 8)
        drawing.texts.append(
            ax.text(
                0.0,
                0.0,
                "\n".join(textwrap.wrap(graph.note, chars)),
                transform=ax.transAxes,
                fontsize=LABEL_SIZE - 0.5,
                color="0.3",
                va="top",
            )
        )
    if caption:
        set_caption(ax, caption)
    return drawing


def _node_texts(
    ax: Axes, node: FlowNode, x: float, w: float, y: float, h: float, n_columns: int
) -> list[Any]:
    size = LABEL_SIZE - 0.5
    if node.column == 0:
        return [
            ax.text(
                x - 0.04,
                y + h / 2,
                f"{node.label} ({node.detail})",
                ha="right",
                va="center",
                fontsize=size,
                color="0.1",
            )
        ]
    if node.column == n_columns - 1:
        # Both wrapped, so that the text stays inside the axes' limits (constrained layout
        # would otherwise narrow the whole diagram to make room for a long line).
        text = "\n".join(textwrap.wrap(node.label, 30) + textwrap.wrap(node.detail, 30))
        return [
            ax.text(
                x + w + 0.05,
                y + h / 2,
                text,
                ha="left",
                va="center",
                fontsize=size,
                color="0.1",
                linespacing=1.25,
            )
        ]
    label, lines = _label_lines(node), _detail_lines(node)
    # Inside the box when it is tall enough for the label and its details; else the label
    # alone (the details need the room the box does not have).
    fits = h >= 1.25 * (len(label) + len(lines)) * 0.55 + 0.4
    body = "\n".join(label + lines if fits else label)
    return [
        ax.text(
            x + w / 2,
            y + h / 2,
            body,
            ha="center",
            va="center",
            fontsize=size,
            color="0.05",
            linespacing=1.2,
            zorder=3,
        )
    ]


def _label_lines(node: FlowNode) -> list[str]:
    return textwrap.wrap(node.label, _WRAP)


def _detail_lines(node: FlowNode) -> list[str]:
    return [part for line in node.detail.split("\n") for part in textwrap.wrap(line, _WRAP)]


def _lines(node: FlowNode) -> list[str]:
    """A stage node's lines of text, as drawn when the box is tall enough."""
    return _label_lines(node) + _detail_lines(node)


def _ribbon(x0: float, y0: float, x1: float, y1: float, weight: float) -> MplPath:
    """A band of height ``weight`` from (x0, y0) to (x1, y1) with S-shaped edges."""
    mid = (x0 + x1) / 2
    vertices = [
        (x0, y0),
        (mid, y0),
        (mid, y1),
        (x1, y1),
        (x1, y1 + weight),
        (mid, y1 + weight),
        (mid, y0 + weight),
        (x0, y0 + weight),
        (x0, y0),
    ]
    codes = [MplPath.MOVETO, *[MplPath.CURVE4] * 3, MplPath.LINETO, *[MplPath.CURVE4] * 3]
    codes.append(MplPath.CLOSEPOLY)
    return MplPath(vertices, codes)


def _order_columns(
    by_column: dict[int, list[FlowNode]], edges: tuple[FlowEdge, ...], n_columns: int
) -> None:
    """Order each column by where its nodes lead (right to left), to untangle ribbons."""
    for column in range(n_columns - 2, -1, -1):
        right = {n.id: i for i, n in enumerate(by_column.get(column + 1, []))}
        nodes = by_column.get(column, [])

        def barycentre(node: FlowNode, right: dict[str, int] = right) -> float:
            targets = [
                (right[e.target], e.weight)
                for e in edges
                if e.source == node.id and e.target in right
            ]
            if not targets:
                # Leads further right (or nowhere): keep it after the ones placed.
                return float(len(right))
            return sum(p * w for p, w in targets) / sum(w for _, w in targets)

        nodes.sort(key=barycentre)  # stable: file order among equals


def _tint(color: str, amount: float = 0.78) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(color)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)
