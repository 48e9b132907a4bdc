"""Layered layout of the job graph (no Qt): layers by dependency depth, few crossings.

A node's layer is the length of the longest `dependsOn` path leading to it
(jobs without dependencies are layer 0), so every dependency edge points from
a lower layer to a higher one. The order inside each layer comes from
barycenter sweeps (Sugiyama style): down the layers each node moves to the mean
position of its neighbours in the layers before, then up using the layers
after; the order with the fewest crossings between adjacent layers wins.
Positions are plain floats: layers are columns (left to right), nodes rows.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SWEEPS = 4
"""Down-and-up barycenter passes (each keeps the better order)."""


@dataclass(frozen=True)
class Spacing:
    """Node size and gaps, in scene units."""

    node_w: float = 180.0
    node_h: float = 48.0
    gap_x: float = 70.0
    gap_y: float = 22.0


@dataclass
class Layout:
    """Where every node goes: its layer, its rank in the layer and its top-left corner."""

    layers: list[list[str]] = field(default_factory=list)
    layer_of: dict[str, int] = field(default_factory=dict)
    pos: dict[str, tuple[float, float]] = field(default_factory=dict)
    crossings: int = 0


def assign_layers(nodes: Sequence[str], edges: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Layer of each node: longest path from a source over `edges` (upstream, downstream).

    Edges naming unknown nodes are ignored; nodes on a cycle (which the job
    schema forbids) are put after the last layer reached instead of looping.
    """
    known = set(nodes)
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(nodes, 0)
    for up, down in edges:
        if up in known and down in known and up != down:
            succ[up].append(down)
            indeg[down] += 1
    layer = dict.fromkeys(nodes, 0)
    queue = deque(n for n in nodes if indeg[n] == 0)
    seen = 0
    while queue:
        node = queue.popleft()
        seen += 1
        for down in succ[node]:
            layer[down] = max(layer[down], layer[node] + 1)
            indeg[down] -= 1
            if indeg[down] == 0:
                queue.append(down)
    if seen < len(nodes):
        top = max(layer.values(), default=0) + 1
        for node, count in indeg.items():
            if count > 0:
                layer[node] = top
    return layer


def count_crossings(layers: list[list[str]], edges: Iterable[tuple[str, str]]) -> int:
    """Crossings among edges joining adjacent layers (longer edges are not counted)."""
    rank = {n: i for layer in layers for i, n in enumerate(layer)}
    index = {n: li for li, layer in enumerate(layers) for n in layer}
    between: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for up, down in edges:
        if up in index and down in index and index[down] == index[up] + 1:
            between[index[up]].append((rank[up], rank[down]))
    return sum(_inversions(pairs, len(layers[li + 1])) for li, pairs in between.items())


def _inversions(pairs: list[tuple[int, int]], width: int) -> int:
    """Pairs (a, b), (c, d) with a < c and b > d: a Fenwick tree over the lower ranks."""
    pairs.sort()
    tree = [0] * (width + 1)
    total = 0
    for inserted, (_upper, lower) in enumerate(pairs):
        i = lower + 1
        below = 0
        while i > 0:
            below += tree[i]
            i -= i & -i
        total += inserted - below
        i = lower + 1
        while i <= width:
            tree[i] += 1
            i += i & -i
    return total


def _sweep(layers: list[list[str]], neighbours: dict[str, list[str]], order: range) -> None:
    """Reorder each layer in `order` by the mean rank of its nodes' neighbours."""
    rank = {n: i for layer in layers for i, n in enumerate(layer)}
    for li in order:
        layer = layers[li]
        keys: dict[str, float] = {}
        for i, node in enumerate(layer):
            near = [rank[m] for m in neighbours.get(node, ()) if m in rank]
            keys[node] = sum(near) / len(near) if near else float(i)
        layer.sort(key=lambda n: (keys[n], rank[n]))
        for i, node in enumerate(layer):
            rank[node] = i


def layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    spacing: Spacing | None = None,
    sweeps: int = SWEEPS,
) -> Layout:
    """Layers, order and positions of `nodes` for the dependency `edges` (up, down)."""
    spacing = spacing or Spacing()
    edges = list(edges)
    layer_of = assign_layers(nodes, edges)
    layers: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for node in nodes:
        layers[layer_of[node]].append(node)
    preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list[str]] = defaultdict(list)
    for up, down in edges:
        if up in layer_of and down in layer_of:
            preds[down].append(up)
            succs[up].append(down)
    best = [list(layer) for layer in layers]
    best_crossings = count_crossings(best, edges)
    for _ in range(sweeps):
        if best_crossings == 0:
            break
        _sweep(layers, preds, range(1, len(layers)))
        _sweep(layers, succs, range(len(layers) - 2, -1, -1))
        crossings = count_crossings(layers, edges)
        if crossings < best_crossings:
            best, best_crossings = [list(layer) for layer in layers], crossings
    return Layout(best, layer_of, _positions(best, spacing), best_crossings)


def _positions(layers: list[list[str]], s: Spacing) -> dict[str, tuple[float, float]]:
    """Top-left corners: a column per layer, each column centred on y = 0."""
    pos: dict[str, tuple[float, float]] = {}
    step_y = s.node_h + s.gap_y
    for li, layer in enumerate(layers):
        x = li * (s.node_w + s.gap_x)
        top = -(len(layer) * step_y - s.gap_y) / 2
        for i, node in enumerate(layer):
            pos[node] = (x, top + i * step_y)
    return pos
