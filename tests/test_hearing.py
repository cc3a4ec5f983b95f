"""Tests for assistant/core/hearing.py: red flags heard only in a close alternative."""

from __future__ import annotations

from assistant.core.advice import advise_heard
from assistant.core.hearing import CLOSE_SHARE, Alternative, possible_red_flags
from intents import load_index

INDEX = load_index()


def test_a_red_flag_only_an_alternative_holds_is_possible() -> None:
    heard = [
        Alternative("my knee feels heavy and i'm sweating", 0.6),
        Alternative("my chest feels heavy and i'm sweating", 0.4),
    ]
    assert possible_red_flags((), heard, INDEX) == ("heart_attack",)


def test_a_far_alternative_is_not_taken_up() -> None:
    heard = [Alternative("my knee is sore", 0.95), Alternative("my chest is sore", 0.05)]
    assert CLOSE_SHARE > 0.05
    assert possible_red_flags((), heard, INDEX) == ()


def test_a_flag_already_decided_is_not_possible_again() -> None:
    heard = [Alternative("i have chest pain", 0.7), Alternative("i have chess pain", 0.3)]
    assert possible_red_flags(("heart_attack",), heard, INDEX) == ()


def test_an_alternative_never_lowers_the_advice() -> None:
    heard = [Alternative("i have chest pain", 0.5), Alternative("i have no chest pain", 0.5)]
    advice = advise_heard("i have chest pain", heard)
    assert advice.decision.recommendation == "see_doctor"
    assert advice.decision.urgency == "emergency"
    assert advice.alternatives == ("i have chest pain", "i have no chest pain")


def test_advice_on_a_hearing_decides_on_the_best_and_keeps_the_possible_flags() -> None:
    heard = [
        Alternative("my calf is wallet and red", 0.55),
        Alternative("my calf is swollen and red", 0.45),
    ]
    advice = advise_heard(heard[0].text, heard)
    assert advice.decision.urgency is None
    assert advice.possible_red_flags == ("deep_vein_thrombosis",)
    assert advice.to_json("my calf is wallet and red")["possible_red_flags"] == [
        "deep_vein_thrombosis"
    ]
    assert "possible_red_flags" not in advice.to_json()  # typed text: the contract as before
