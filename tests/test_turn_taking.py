"""Tests for assistant/core/turn_taking.py: when an utterance has ended, and when the next one
carries it on; with the dialogue's "wait for me" and the real recogniser's end of speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.sound import RECOGNITION_RATE
from assistant.adapters.vosk_asr import Transcriber
from assistant.core.advice import advise
from assistant.core.dialogue import OFFER, WAITING_LONGER, WAITING_LONGEST, Dialogue
from assistant.core.events import Heard, SaveSettings, Say, Start
from assistant.core.settings import END_SILENCE_MAX, Settings
from assistant.core.turn_taking import TURNS, continues, silence_to_end
from support.speech import espeak_samples

LONGEST = 1.2


@pytest.mark.parametrize(
    ("heard", "wait"),
    [
        ("stop", TURNS.control),
        ("yes", TURNS.unsure),  # a yes or a no ends quickest only as an answer (below)
        ("no", TURNS.unsure),
        ("repeat", TURNS.control),
        # Controls that end on a word that leaves a description unfinished.
        ("start over", TURNS.control),
        ("slow down", TURNS.control),
        ("speak up", TURNS.control),
        ("i twisted my ankle playing football", TURNS.complete),
        ("i feel stressed all the time", TURNS.complete),
        ("i have a pain in my", LONGEST),
        ("i twisted my ankle and", LONGEST),
        ("it hurts because", LONGEST),
        ("i um", LONGEST),
        ("i hurt my lower", LONGEST),
        ("i have been feeling", TURNS.unsure),
        # A concern said of a body part, the part not named yet: likely to come next.
        ("i've got a torn", TURNS.unsure),
        ("i had surgery", TURNS.unsure),
        ("i had surgery on my knee", TURNS.complete),
        ("i had surgery two years ago", TURNS.complete),
        ("my lower back gets achy and tight", TURNS.complete),  # the part was named first
        ("so yeah", TURNS.unsure),  # no question is open: the start of a description
        ("not at all", TURNS.unsure),
    ],
)
def test_the_words_so_far_decide_how_long_a_silence_ends_them(heard: str, wait: float) -> None:
    assert silence_to_end(heard, LONGEST) == wait


@pytest.mark.parametrize("heard", ["yes", "no", "so yeah", "not at all", "nope"])
def test_a_yes_or_a_no_ends_quickest_while_it_answers(heard: str) -> None:
    assert silence_to_end(heard, LONGEST, answering=True) == TURNS.control


def test_the_longest_wait_is_the_setting() -> None:
    assert silence_to_end("i have a pain in my", 3.0) == 3.0
    assert silence_to_end("i twisted my ankle playing football", 0.3) == 0.3
    assert TURNS.control < TURNS.complete < TURNS.unsure < LONGEST


@pytest.mark.parametrize(
    "text",
    ["and my shoulders are tense", "but only at night", "because i fell", "knee",
     "my lower back too", "playing football"],
)  # fmt: skip
def test_what_plainly_continues_the_description_before(text: str) -> None:
    assert continues(text, advise(text))


@pytest.mark.parametrize("text", ["i feel stressed", "tell me more", "no", "yes", "hmm"])
def test_what_stands_on_its_own(text: str) -> None:
    assert not continues(text, advise(text))


def test_while_a_question_is_open_only_the_opening_words_count() -> None:
    assert continues("and it's swollen", advise("and it's swollen"), answering=True)
    assert not continues("my calf", advise("my calf"), answering=True)


# --- in the dialogue -------------------------------------------------------------------------


def started() -> Dialogue:
    dialogue = Dialogue(Settings(safety_check=False), advise)
    dialogue.handle(Start())
    return dialogue


def said(outputs: list[object]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say) and o.spoken]


def test_a_cut_off_description_is_decided_with_its_continuation() -> None:
    dialogue = started()
    dialogue.handle(Heard("i twisted my ankle"))
    outputs = dialogue.handle(Heard("and i am really stressed about work"))
    together = advise("i twisted my ankle and i am really stressed about work")
    assert together.decision.recommendation == "both"
    assert said(outputs) == [together.reply.reply, OFFER]


def test_a_fragment_after_a_cut_off_is_decided_with_it() -> None:
    dialogue = started()
    first = said(dialogue.handle(Heard("i have a pain in my")))
    assert first[0].endswith("?")  # pain without a cause: the clarifying question
    dialogue.handle(Heard("no"))  # "no" answers the clarifying question
    outputs = dialogue.handle(Heard("knee since the operation"))
    assert "physiotherapy" in said(outputs)[0]


def test_wait_for_me_lengthens_the_longest_wait_and_keeps_it() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard("wait for me"))
    assert said(outputs) == [WAITING_LONGER]
    assert dialogue.settings.end_silence == 1.7
    assert SaveSettings(dialogue.settings) in outputs
    for _ in range(10):
        dialogue.handle(Heard("give me more time"))
    assert dialogue.settings.end_silence == END_SILENCE_MAX
    assert said(dialogue.handle(Heard("wait for me"))) == [WAITING_LONGEST]


# --- the real recogniser ---------------------------------------------------------------------


def _ended_after(transcriber: Transcriber, text: str) -> float:
    """Seconds after the last speech sample at which the live recogniser closed ``text``."""
    speech = espeak_samples(text, "en-us+f1", 140)
    pcm = bytes(RECOGNITION_RATE) + speech.astype("<i2").tobytes() + bytes(RECOGNITION_RATE * 6)
    last_sound = int(np.nonzero(np.abs(speech) > 100)[0][-1])  # espeak pads its own silence
    speech_end = 0.5 + last_sound / RECOGNITION_RATE
    stream = transcriber.stream(silence_needed=lambda heard: silence_to_end(heard, LONGEST))
    step = 1600
    for i in range(0, len(pcm), step):
        if (heard := stream.accept(pcm[i : i + step])) is not None:
            print(text, "->", heard.text)
            return (i + step) / 2 / RECOGNITION_RATE - speech_end
    raise AssertionError("the utterance never ended")


@pytest.mark.slow
def test_a_complete_sentence_ends_sooner_than_an_unfinished_one(
    transcriber: Transcriber, tmp_path: Path
) -> None:
    complete = _ended_after(transcriber, "i twisted my ankle playing football")
    unfinished = _ended_after(transcriber, "i have a really bad pain in my")
    assert complete < unfinished
    assert unfinished >= LONGEST - 0.1  # it waited the longest for the rest


def _trimmed(speech: np.ndarray) -> np.ndarray:
    """espeak-ng's speech without the silence it pads itself with, so a pause is as long as said."""
    loud = np.nonzero(np.abs(speech) > 100)[0]
    return speech[loud[0] : loud[-1] + 1].astype("<i2")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Vosk may close a segment in the pause and re-decode it without its "and"; what it
        # showed before closing still keeps the utterance open.
        ("my back is killing me and", "i can't control when i pee"),
        ("so yeah um", "my shoulders are really tight you know"),
    ],
)
def test_a_pause_inside_a_description_does_not_cut_it(
    transcriber: Transcriber, before: str, after: str
) -> None:
    pcm = b"".join(
        _trimmed(espeak_samples(part, "en-us", 175)).tobytes()
        + bytes(2 * int(pause * RECOGNITION_RATE))
        for part, pause in ((before, 0.85), (after, 4.0))
    )
    stream = transcriber.stream(silence_needed=lambda heard: silence_to_end(heard, LONGEST))
    heard = [u.text for i in range(0, len(pcm), 3200) if (u := stream.accept(pcm[i : i + 3200]))]
    assert len(heard) == 1, heard
