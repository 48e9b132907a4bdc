"""The restart delay rule: capped exponential growth, immediate first restart, reset."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panel.supervise.backoff import FLOOR_MS, Backoff, restart_delay_ms


def test_with_base_delay_grows_by_factor() -> None:
    assert [restart_delay_ms(n, 500, 2.0, 30_000) for n in range(4)] == [500, 1000, 2000, 4000]


def test_without_base_first_restart_is_immediate_then_floor() -> None:
    delays = [restart_delay_ms(n, 0, 1.5, 30_000) for n in range(4)]
    assert delays == [0, FLOOR_MS, int(FLOOR_MS * 1.5), int(FLOOR_MS * 2.25)]


def test_capped() -> None:
    assert restart_delay_ms(50, 500, 2.0, 30_000) == 30_000


def test_negative_n_rejected() -> None:
    with pytest.raises(ValueError):
        restart_delay_ms(-1, 0, 1.5, 100)


@given(
    base=st.integers(0, 10_000),
    factor=st.floats(0.5, 5.0),
    cap=st.integers(0, 100_000),
    n=st.integers(0, 60),
)
def test_monotonic_and_bounded(base: int, factor: float, cap: int, n: int) -> None:
    a = restart_delay_ms(n, base, factor, cap)
    b = restart_delay_ms(n + 1, base, factor, cap)
    assert 0 <= a <= b <= cap


def test_streak_grows_and_resets_after_stable_uptime() -> None:
    backoff = Backoff(base_ms=100, factor=2.0, max_ms=10_000, reset_secs=30.0)
    delays = []
    now = 0.0
    for _ in range(3):
        backoff.started(now)
        now += 1.0  # a quick crash
        backoff.exited(now)
        delays.append(backoff.next_delay_ms())
    assert delays == [100, 200, 400]
    backoff.started(now)
    now += 31.0  # stayed up long enough
    backoff.exited(now)
    assert backoff.next_delay_ms() == 100


def test_manual_reset() -> None:
    backoff = Backoff(base_ms=0, factor=2.0, max_ms=10_000, reset_secs=30.0)
    assert [backoff.next_delay_ms() for _ in range(3)] == [0, 100, 200]
    backoff.reset()
    assert backoff.next_delay_ms() == 0
