"""Nobody looking: children are measured at the rest period, a memory limit every tick."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from panel.supervise.spec import ProcessSpec
from panel.supervise.stats import StatsSampler

SLEEPER = "import time\nwhile True: time.sleep(3600)"


@pytest.fixture
def rest_sampler() -> Iterator[StatsSampler]:
    """The shared sampler, unwatched: 100 ms when it must, 1 s at rest."""
    sampler = StatsSampler.instance()
    assert not sampler.watched, "an earlier test left a watcher on the shared sampler"
    before = sampler.interval_ms
    sampler.set_interval_ms(100)
    sampler.set_rest_interval_ms(1000)
    yield sampler
    sampler.set_rest_interval_ms(10_000)
    sampler.set_interval_ms(before)


def test_unwatched_children_are_sampled_at_rest_and_a_limit_every_tick(
    qtbot: Any, make_process: Any, helpers: Any, rest_sampler: StatsSampler
) -> None:
    argv = helpers.py_argv(SLEEPER)
    plain = make_process(ProcessSpec("plain", argv, start_secs=0))
    limited = make_process(ProcessSpec("limited", argv, start_secs=0, memory_limit_mb=100_000))
    plain_samples: list[int] = []
    limited_samples: list[int] = []
    plain.sig_stats.connect(lambda _cpu, rss: plain_samples.append(rss))
    limited.sig_stats.connect(lambda _cpu, rss: limited_samples.append(rss))
    plain.start()
    limited.start()

    qtbot.waitUntil(lambda: len(limited_samples) >= 12, timeout=10_000)
    # 12 ticks of >= 100 ms: the unwatched one was measured at most once per second.
    assert 1 <= len(plain_samples) <= 3, (plain_samples, limited_samples)
    assert all(rss > 0 for rss in plain_samples + limited_samples)

    owner = object()
    rest_sampler.watch(owner)  # someone looks: every child, every tick
    try:
        seen = len(plain_samples)
        # at rest that would take 5 s; watched, 0.5 s (a busy machine gets 2.5 s)
        qtbot.waitUntil(lambda: len(plain_samples) >= seen + 5, timeout=2500)
    finally:
        rest_sampler.unwatch(owner)
