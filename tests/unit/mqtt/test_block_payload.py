"""A block cycle's message as a subscriber decodes it: every value, odd ones included."""

from __future__ import annotations

import json
import math

from panel.connections.worker.drivers.base import TagValue
from panel.mqtt.payloads import block_payload


def test_a_block_message_holds_every_value_and_the_qualities_that_are_not_good() -> None:
    samples = [
        TagValue("flow", 12.345678329467773, "good", 100.25),
        TagValue("count", 7, "good", 100.5),
        TagValue("running", True, "good", 100.5),
        TagValue("label", "pump A", "uncertain", 100.0, "stale"),
        TagValue("level", None, "bad", 99.0, "read failed"),
    ]
    message = json.loads(block_payload(samples, 42))
    assert message == {
        "ts": 100.5,
        "seq": 42,
        "values": {
            "flow": 12.345678329467773,
            "count": 7,
            "running": True,
            "label": "pump A",
            "level": None,
        },
        "quality": {"label": "uncertain", "level": "bad"},
    }


def test_non_finite_floats_go_as_text_which_plain_json_readers_accept() -> None:
    samples = [
        TagValue("a", math.nan, "good", 1.0),
        TagValue("b", math.inf, "good", 1.0),
        TagValue("c", -math.inf, "good", 1.0),
        TagValue("d", 1.5, "good", 1.0),
    ]
    raw = block_payload(samples, 1).decode()
    assert "NaN" not in raw and "Infinity" not in raw  # not JSON: many readers refuse it
    values = json.loads(raw)["values"]
    assert values == {"a": "nan", "b": "inf", "c": "-inf", "d": 1.5}


def test_floats_too_big_to_sum_and_integers_beyond_64_bits_still_go() -> None:
    samples = [
        TagValue("a", 1.7e308, "good", 1.0),
        TagValue("b", 1.7e308, "good", 1.0),  # finite, but their sum is not
        TagValue("big", 2**70, "good", 1.0),
        TagValue("small", -(2**70), "good", 1.0),
    ]
    values = json.loads(block_payload(samples, 1))["values"]
    assert values == {"a": 1.7e308, "b": 1.7e308, "big": 2**70, "small": -(2**70)}


def test_a_value_json_has_no_word_for_goes_as_its_text() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd value"

    samples = [TagValue("x", Odd(), "good", 1.0), TagValue("y", 2.5, "good", 1.0)]
    assert json.loads(block_payload(samples, 1))["values"] == {"x": "odd value", "y": 2.5}
