"""Tests for assistant/app/timing.py: one turn's steps add up, and only the first line counts."""

from __future__ import annotations

import pytest

from assistant.app.timing import TurnTimer


def test_a_turn_is_kept_once_its_first_line_reached_the_speaker() -> None:
    timer = TurnTimer()
    timer.heard(end_of_speech_wait=0.5, final_decoding=0.01)
    timer.decided(0.02)
    timer.rendered(0.1)
    timer.rendered(0.3)  # a second line of the same reply does not count
    timer.first_sound(0.05)
    (turn,) = timer.turns
    assert turn.synthesis == 0.1
    assert turn.after_end_of_speech == pytest.approx(0.18)
    assert turn.total == pytest.approx(0.68)


def test_a_turn_never_heard_or_never_spoken_is_not_kept() -> None:
    timer = TurnTimer()
    timer.rendered(0.1)  # the greeting: nobody spoke yet
    timer.first_sound(0.05)
    timer.heard(0.5, 0.01)
    timer.decided(0.02)
    timer.first_sound(0.05)  # a tone before any line was rendered
    assert timer.turns == []


def test_the_first_sound_is_the_heard_tone_when_one_plays() -> None:
    timer = TurnTimer()
    timer.heard(0.5, 0.01, "my knee hurts")
    timer.decided(0.02, at=100.0)
    timer.toned(100.04)
    timer.rendered(0.1)
    timer.first_sound(0.05)
    (turn,) = timer.turns
    assert turn.heard == "my knee hurts"
    assert turn.to_first_sound == pytest.approx(0.5 + 0.01 + 0.02 + 0.04)
    assert turn.total == pytest.approx(0.5 + 0.01 + 0.02 + 0.1 + 0.05)
