"""Run durations read sensibly from milliseconds to days."""

from __future__ import annotations

from panel.views.format import format_run_duration


def test_short_runs_show_their_seconds() -> None:
    assert format_run_duration(0.042) == "0.04 s"
    assert format_run_duration(3.456) == "3.46 s"
    assert format_run_duration(42.25) == "42.2 s"


def test_long_runs_show_a_clock() -> None:
    assert format_run_duration(61) == "0:01:01"
    assert format_run_duration(2 * 86400 + 3723) == "2d 1:02:03"


def test_a_span_reads_as_people_say_it() -> None:
    from panel.views.format import format_span

    assert [format_span(s) for s in (-2, 0, 5.9, 59, 60, 754, 3600, 11_520, 86_400, 187_200)] == [
        "0 s",
        "0 s",
        "5 s",
        "59 s",
        "1 min",
        "12 min",
        "1 h",
        "3 h 12 min",
        "1 d",
        "2 d 4 h",
    ]
