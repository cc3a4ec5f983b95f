"""The turn-taking benchmark's pure parts: where a pause goes, which utterance a hearing belongs
to, and how cut-offs and confusions are counted. The loop itself runs in the benchmark."""

from __future__ import annotations

from benchmarks.loop_runner import LoopRun
from benchmarks.turn_taking import (
    PAUSE_SECONDS,
    Utterance,
    assign,
    body_part_words,
    pause_point,
    score,
    utterances,
)

PARTS = frozenset({"knee", "back", "neck"})


def test_a_pause_goes_after_and_then_after_um_then_before_the_body_part() -> None:
    assert pause_point(["i", "hurt", "my", "back", "and", "i", "cannot", "sleep"], PARTS) == 5
    assert pause_point(["i", "have", "um", "a", "stiff", "neck"], PARTS) == 3
    assert pause_point(["i", "twisted", "my", "knee", "on", "the", "stairs"], PARTS) == 3
    assert pause_point(["i", "feel", "stressed"], PARTS) is None


def test_body_parts_come_from_the_lexicon() -> None:
    assert {"knee", "back", "shoulder"} <= body_part_words()


def test_the_utterances_are_repeatable_and_pause_inside() -> None:
    said = utterances(6)
    assert said == utterances(6)
    paused = [u for u in said if u.kind == "paused"]
    assert len(paused) == 6 and sum(u.kind == "control" for u in said) == 4
    for utterance in paused:
        assert utterance.pause_before is not None
        assert 0 < utterance.pause_before < len(utterance.text.split())
        assert PAUSE_SECONDS[0] <= utterance.pause_seconds <= PAUSE_SECONDS[1]


def test_an_utterance_heard_in_two_parts_gets_both() -> None:
    said = [
        Utterance("i hurt my back and i cannot sleep", "whole"),
        Utterance("repeat", "control"),
        Utterance("my knee hurts after running", "whole"),
    ]
    heard = ["i hurt my back and", "i cannot sleep", "repeat", "my knee hurts after running"]
    assert assign(heard, said) == [0, 0, 1, 2]
    assert assign([], said) == []


def _timing(heard: str, wait: float) -> dict[str, object]:
    return {
        "end_of_speech_wait": wait,
        "final_decoding": 0.01,
        "deciding": 0.001,
        "synthesis": 0.02,
        "playback_start": 0.002,
        "heard": heard,
    }


def test_cut_offs_confusions_and_latency_are_counted_per_kind() -> None:
    said = [
        Utterance("i hurt my back and i cannot sleep", "whole"),
        Utterance("repeat", "control"),
        Utterance("my knee hurts after running", "whole"),
        Utterance("i hurt my back and i cannot sleep", "paused", 5, 0.6),
        Utterance("help", "control"),
        Utterance("my knee hurts after running", "paused", 1, 0.5),
    ]
    heard = [
        "i hurt my back and i cannot sleep",
        "repeat",
        "my knee hurts after running",
        "i hurt my back and",  # the paused one, answered too early ...
        "i cannot sleep",  # ... and its rest
        "hope",  # "help" heard as something else: a confusion
        "my knee hurts after running",
        "goodbye",
    ]
    notes = [(float(i), f"heard: {text}") for i, text in enumerate(heard)]
    timings = [_timing(heard[0], 0.4), _timing(heard[2], 0.6)]
    run = LoopRun(0, [], notes, [], timings)
    result = score("test voice", said, run)
    assert result.cut_off_rate == 0.5
    assert result.whole_cut_off_rate == 0.0
    assert result.confusions == 1
    assert (result.controls, result.descriptions, result.unheard) == (2, 4, 0)
    # Both whole descriptions were timed (0.4 s and 0.6 s of waiting plus 33 ms of work);
    # the paused knee was heard whole but has no timing, so no paused figure.
    assert result.whole_ms is not None
    assert (round(result.whole_ms[0]), round(result.whole_ms[1])) == (533, 633)
    assert result.paused_ms is None
