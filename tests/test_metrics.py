"""The accuracy measures shared by tests and benchmarks."""

from __future__ import annotations

import pytest

from support.metrics import edit_distance, keyword_recall, normalise, word_error_rate


def test_normalise_writes_text_as_a_recogniser_does() -> None:
    assert normalise("Press 1 to mute, # to exit, or * for 12 more.") == (
        "press one to mute pound to exit or star for twelve more"
    )
    assert normalise("Call-Forward on No Answer.") == "call forward on no answer"
    assert normalise("I'm sorry, but I can't.") == "i'm sorry but i can't"
    assert normalise("dial 500") == "dial 500"  # larger numbers have more than one reading


def test_word_error_rate_counts_edits_over_reference_words() -> None:
    assert edit_distance(["my", "knee", "hurts"], ["my", "the", "hurts", "a", "lot"]) == 3
    pairs = [("my knee hurts", "my the hurts"), ("press one", "press one")]
    assert word_error_rate(pairs) == pytest.approx(1 / 5)
    assert keyword_recall([(["knee", "hurts"], "my the hurts")]) == 0.5
