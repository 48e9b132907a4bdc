"""The time charts: pyqtgraph only once a chart is shown, coalesced redraws, both palettes."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from panel.views.charts.resource_chart import ResourceChart
from panel.views.charts.samples import ResourceSamples
from panel.views.charts.time_chart import REFRESH_MS, Line, TimeChart
from panel.views.theme import dark_palette, light_palette


def test_the_window_imports_neither_pyqtgraph_nor_numpy_until_a_chart_is_shown() -> None:
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "import panel.views.main_window\n"
        "from panel.connections.tag_model import TagTableModel\n"
        "from panel.viewmodels.connections import ConnectionsModel\n"
        "from panel.views.charts.resource_chart import ResourceChart\n"
        "from panel.views.job_duration_chart import DurationChart\n"
        "from panel.views.trend_chart import TrendChart\n"
        "made = [ResourceChart('r'), DurationChart(), TrendChart(TagTableModel(), "
        "ConnectionsModel())]\n"  # what the pages make at start
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyqtgraph', 'numpy'}))\n"
        "chart = made[0]\n"
        "chart.show()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pyqtgraph', 'numpy'}))\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split("\n")[:2]
    assert before == "[]"
    assert after == "['numpy', 'pyqtgraph']"


def _fed_chart(qtbot: QtBot) -> TimeChart:
    chart = TimeChart("Pressure", "nothing yet")
    qtbot.addWidget(chart)
    chart.resize(500, 260)
    chart.set_lines([Line("p", "p", "bar"), Line("t", "t", "°C")])
    chart.show()
    qtbot.waitExposed(chart)
    return chart


def test_a_hundred_batches_within_one_interval_are_one_redraw(qtbot: QtBot) -> None:
    chart = _fed_chart(qtbot)
    qtbot.waitUntil(lambda: chart.redraws >= 1)  # the one of showing it
    before = chart.redraws
    now = time.time()
    started = time.monotonic()
    for i in range(100):
        chart.buffer("p").append(now - 1 + i * 0.001, float(i))
        chart.changed()
    assert chart.redraws == before  # nothing drawn yet: coalesced
    qtbot.waitUntil(lambda: chart.redraws == before + 1, timeout=5 * REFRESH_MS)
    if time.monotonic() - started < REFRESH_MS / 1000:  # a loaded machine may be slower
        assert chart.redraws == before + 1
    _ts, drawn = chart.drawn("p")
    assert drawn[-2:] == [99.0, 99.0]  # the newest, and it still current at the right edge


def test_a_hidden_chart_does_not_redraw(qtbot: QtBot) -> None:
    chart = _fed_chart(qtbot)
    qtbot.waitUntil(lambda: chart.redraws >= 1)
    chart.hide()
    before = chart.redraws
    chart.buffer("p").append(time.time(), 1.0)
    chart.changed()
    assert not chart.redraw_due() and chart.redraws == before
    chart.show()  # shown again: drawn at once, with the point added meanwhile
    assert chart.redraws == before + 1


def test_the_plot_takes_the_palette_light_and_dark(qtbot: QtBot) -> None:
    chart = _fed_chart(qtbot)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    try:
        for palette in (dark_palette(), light_palette()):
            chart.setPalette(palette)
            background = chart.plot_widget().backgroundBrush().color()
            assert background == palette.base().color()
            axis = chart.plot_item().getAxis("left")
            assert axis.textPen().color() == palette.text().color()
    finally:
        chart.setPalette(original)


def test_other_lines_on_the_same_units_keep_the_plot_and_other_units_get_a_new_one(
    qtbot: QtBot,
) -> None:
    chart = _fed_chart(qtbot)  # p in bar, t in °C
    plot = chart.plot_item()
    chart.set_lines([Line("q", "q", "bar"), Line("u", "u", "°C")])
    assert chart.plot_item() is plot and chart.axis_units() == ["bar", "°C"]
    chart.buffer("q").append(time.time() - 1, 4.0)
    chart.changed()
    qtbot.waitUntil(lambda: chart.drawn("q")[1][:1] == [4.0], timeout=5 * REFRESH_MS)
    assert chart.drawn("p") == ([], [])  # the old line is gone
    legend = [label.text for _sample, label in plot.legend.items]
    assert legend == ["q (bar)", "u (°C)"]
    chart.set_lines([Line("r", "r", "rpm")])
    assert chart.plot_item() is not plot and chart.axis_units() == ["rpm"]


def test_cpu_and_memory_axes_start_at_zero_so_a_steady_figure_is_a_flat_line(
    qtbot: QtBot,
) -> None:
    samples = ResourceSamples()
    now = time.time()
    for i in range(20):  # a server at a steady 49.47 MB, wobbling by a few kB
        samples.add(0.5 + (i % 2) * 0.1, 49_470_000 + (i % 3) * 2_000, when=now - 20 + i)
    chart = ResourceChart("server")
    qtbot.addWidget(chart)
    chart.resize(500, 260)
    chart.show_samples(samples)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.waitUntil(lambda: len(chart.drawn("memory")[0]) >= 20)
    low, high = chart.y_range("MB") or (None, None)
    assert low == 0.0 and 49.5 < high < 60  # 0 to a little above the figure
    low, high = chart.y_range("%") or (None, None)
    assert low == 0.0 and 0.6 <= high < 1.0
