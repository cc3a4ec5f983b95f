"""Whole conversations through the real voice loop (support/live_conversation.py):
``python -m assistant listen`` on virtual devices with real Vosk and pyttsx3, a simulated patient
speaking espeak-ng (the same samples every time) in a silent room, about 20 seconds each."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from assistant.adapters.model_store import resolve_model_dir
from assistant.core import dialogue
from assistant.core.advice import advise
from support.live_conversation import Conversation, run_conversation
from support.patient import WORDS, Patient
from support.patients import BACK_FROM_LIFTING, CALF_AFTER_OPERATION
from support.voices import EspeakVoice

pytestmark = pytest.mark.slow


def said_by(conversation: Conversation, who: str) -> list[str]:
    return [line.text for line in conversation.transcript if line.who == who]


def check_ended_well(conversation: Conversation) -> None:
    assert conversation.exit_code == 0, conversation.text()
    assert conversation.success, conversation.text()


def test_a_red_flag_misheard_in_the_description_is_caught_by_the_safety_check() -> None:
    # The general model hears espeak en-us+f3's "my calf is hot" as "micah of his heart" (the
    # words vary a little between live runs, the lost flag does not), but "after my operation"
    # survives. (The adapted model hears the calf, so it would not test the safety check.)
    general = resolve_model_dir()
    conversation = run_conversation(CALF_AFTER_OPERATION, EspeakVoice("en-us+f3"), model=general)
    check_ended_well(conversation)
    heard = said_by(conversation, "heard")
    assert not advise(heard[0]).decision.red_flags, conversation.text()
    assistant = said_by(conversation, "assistant")
    assert any("a hot swollen calf" in line and line.endswith("?") for line in assistant)
    assert conversation.patient.said[1] == WORDS.yes
    assert conversation.patient.heard_red_flag_reply


@dataclass
class DoubtingPatient(Patient):
    """The simulated patient, except that it says "that's not what I said" to the first
    ``doubts`` replies that name what they heard, whatever they name: a person misheard in a way
    that looks plausible. (Vosk's real mishearings of one recording vary a little between live
    runs, so a test that needs a correction cannot count on one.)"""

    doubts: int = 1
    """Replies it rejects."""

    def mentioned(self, quote: str) -> bool:
        return self.corrections >= self.doubts and super().mentioned(quote)


def test_a_correction_forgets_the_misheard_description() -> None:
    patient = DoubtingPatient(BACK_FROM_LIFTING, doubts=1)
    conversation = run_conversation(BACK_FROM_LIFTING, EspeakVoice("en-gb"), patient=patient)
    check_ended_well(conversation)
    # At least one: the description said again may be misheard for real, and corrected again.
    assert patient.corrections >= 1, conversation.text()
    assistant = said_by(conversation, "assistant")
    assert any(line.startswith(dialogue.MISHEARD) for line in assistant), conversation.text()
    assert patient.said.count(BACK_FROM_LIFTING.description) >= 2  # asked again, it said it again


def test_after_two_misses_the_choice_is_offered_and_heard() -> None:
    patient = DoubtingPatient(BACK_FROM_LIFTING, doubts=2)
    conversation = run_conversation(BACK_FROM_LIFTING, EspeakVoice("en-gb"), patient=patient)
    check_ended_well(conversation)
    assert patient.corrections >= 2, conversation.text()
    assistant = said_by(conversation, "assistant")
    assert dialogue.CHOICE in assistant, conversation.text()
    assert BACK_FROM_LIFTING.kind in patient.said
