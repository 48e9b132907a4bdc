"""The job graph's layered layout: layers follow dependencies, sweeps remove crossings."""

from __future__ import annotations

import random
import time

from panel.jobs.layout import Spacing, assign_layers, count_crossings, layout


def test_every_dependency_points_to_a_later_layer() -> None:
    nodes = ["extract", "clean", "report", "mail", "archive"]
    edges = [("extract", "clean"), ("clean", "report"), ("extract", "report"), ("report", "mail")]
    layers = assign_layers(nodes, edges)
    assert layers == {"extract": 0, "clean": 1, "report": 2, "mail": 3, "archive": 0}
    for up, down in edges:
        assert layers[up] < layers[down]


def test_unknown_nodes_and_cycles_do_not_hang() -> None:
    layers = assign_layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b"), ("x", "a")])
    assert layers["a"] == 0
    assert layers["b"] > layers["a"] and layers["c"] > layers["a"]


def test_crossings_are_counted_between_adjacent_layers() -> None:
    layers = [["a", "b"], ["c", "d"]]
    assert count_crossings(layers, [("a", "d"), ("b", "c")]) == 1
    assert count_crossings(layers, [("a", "c"), ("b", "d")]) == 0


def test_sweeps_untangle_a_known_case() -> None:
    # Input order puts every edge across the others: a->z, b->y, c->x.
    nodes = ["a", "b", "c", "x", "y", "z", "p", "q", "r"]
    edges = [("a", "z"), ("b", "y"), ("c", "x"), ("x", "r"), ("y", "q"), ("z", "p")]
    before = count_crossings([["a", "b", "c"], ["x", "y", "z"], ["p", "q", "r"]], edges)
    assert before == 6
    result = layout(nodes, edges)
    assert result.crossings == 0
    assert count_crossings(result.layers, edges) == 0


def test_positions_are_columns_per_layer_without_overlap() -> None:
    spacing = Spacing(node_w=100, node_h=40, gap_x=50, gap_y=10)
    result = layout(["a", "b", "c", "d"], [("a", "c"), ("b", "c"), ("c", "d")], spacing)
    assert result.pos["a"][0] == result.pos["b"][0] == 0
    assert result.pos["c"][0] == 150 and result.pos["d"][0] == 300
    ys = sorted(result.pos[n][1] for n in ("a", "b"))
    assert ys[1] - ys[0] >= 50


def test_a_thousand_nodes_lay_out_quickly_with_fewer_crossings() -> None:
    rng = random.Random(7)
    nodes = [f"j{i}" for i in range(1000)]
    edges = []
    for i in range(50, 1000):
        for _ in range(rng.randint(1, 2)):
            edges.append(
                (nodes[rng.randrange(max(0, i - 100), i - 40 if i >= 90 else i)], nodes[i])
            )
    start = time.perf_counter()
    result = layout(nodes, edges)
    elapsed = time.perf_counter() - start
    layers = assign_layers(nodes, edges)
    naive = [[n for n in nodes if layers[n] == li] for li in range(len(result.layers))]
    assert result.crossings < count_crossings(naive, edges)
    assert elapsed < 2.0
    assert set(result.pos) == set(nodes)
