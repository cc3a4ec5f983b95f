"""Tests for assistant/controls.py: whole-utterance control matching and the grammar vocabulary."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.adapters.sound import RECOGNITION_RATE
from assistant.adapters.vosk_asr import Transcriber
from assistant.adapters.wavio import read_16k_mono
from assistant.app.voice import GRAMMARS
from assistant.core.controls import (
    CONTROL_VOCABULARY,
    PHRASES,
    Control,
    control_prefix,
    match_control,
    normalize,
)
from assistant.core.events import Expect
from support.speech import TEST_VOICES, espeak_wav_file

# --- normalising -----------------------------------------------------------------------------


def test_normalize_removes_case_punctuation_and_unknown_marker() -> None:
    assert normalize("  Stop!! [unk]  Please. ") == "stop please"


def test_normalize_spells_out_contractions_and_curly_apostrophes() -> None:
    assert normalize("That\u2019s all, I'm done") == "that is all i am done"


def test_normalize_joins_good_bye() -> None:
    assert normalize("Good bye") == "goodbye"


# --- whole utterances ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", Control.YES),
        ("Yeah.", Control.YES),
        ("no", Control.NO),
        ("No thanks", Control.NO),
        ("repeat", Control.REPEAT),
        ("Say that again", Control.REPEAT),
        ("What did you say?", Control.REPEAT),
        ("slower", Control.SLOWER),
        ("more slowly", Control.SLOWER),
        ("faster", Control.FASTER),
        ("louder", Control.LOUDER),
        ("Speak up!", Control.LOUDER),
        ("quieter", Control.QUIETER),
        ("help", Control.HELP),
        ("stop", Control.STOP),
        ("start over", Control.START_OVER),
        ("tell me more", Control.MORE),
        ("goodbye", Control.GOODBYE),
        ("bye", Control.GOODBYE),
        ("That's all", Control.GOODBYE),
        ("quit", Control.GOODBYE),
        ("exit", Control.GOODBYE),
        ("cancel", Control.GOODBYE),
        ("earcons off", Control.EARCONS_OFF),
        ("sounds on", Control.EARCONS_ON),
        ("thank you", Control.THANKS),
    ],
)
def test_control_phrases_are_matched(text: str, expected: Control) -> None:
    assert match_control(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("could you speak up please", Control.LOUDER),
        ("a little bit slower please", Control.SLOWER),
        ("okay goodbye", Control.GOODBYE),
        ("thank you, goodbye", Control.GOODBYE),
        ("um, can you repeat that?", Control.REPEAT),
        ("stop stop stop", Control.STOP),
        ("bye bye", Control.GOODBYE),
    ],
)
def test_polite_filler_and_repeats_are_allowed(text: str, expected: Control) -> None:
    assert match_control(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "my back has been stopping me from sleeping",
        "I hurt my knee and it stops me walking",
        "I want to tell you more about my shoulder",
        "help me with my sore neck",
        "it hurts more when I run",
        "no I hurt my ankle",
        "",
        "   ",
    ],
)
def test_sentences_with_control_words_are_not_controls(text: str) -> None:
    assert match_control(text) is None


def test_bare_filler_is_not_a_control() -> None:
    assert match_control("please") is None
    assert match_control("um") is None


def test_okay_on_its_own_means_yes() -> None:
    assert match_control("OK") is Control.YES


def test_every_phrase_matches_its_own_control() -> None:
    for control, phrases in PHRASES.items():
        for phrase in phrases:
            assert match_control(phrase) is control, phrase


# --- start of a longer utterance -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("goodbye and thanks for everything", Control.GOODBYE),
        ("tell me more about massage", Control.MORE),
        ("no I don't think so", Control.NO),
        ("stop talking for a second", Control.STOP),
    ],
)
def test_prefix_finds_a_leading_control(text: str, expected: Control) -> None:
    assert control_prefix(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "sorry I meant my shoulder",
        "what should I do",
        "I do a lot of running",
        "more pain than before",
        "my back has been stopping me from sleeping",
    ],
)
def test_prefix_ignores_common_words_at_the_start(text: str) -> None:
    assert control_prefix(text) is None


# --- the grammar vocabulary, checked with the real recogniser ---------------------------------


def test_vocabulary_phrases_are_all_controls() -> None:
    assert all(match_control(phrase) is not None for phrase in CONTROL_VOCABULARY)


def test_vocabulary_covers_every_control() -> None:
    covered = {match_control(phrase) for phrase in CONTROL_VOCABULARY}
    assert covered == set(Control)


@contextmanager
def vosk_warnings() -> Iterator[None]:
    """Let Vosk log warnings (the model loader silences it) for the length of a check."""
    import vosk

    vosk.SetLogLevel(0)
    try:
        yield
    finally:
        vosk.SetLogLevel(-1)


@pytest.mark.parametrize("expect", sorted(GRAMMARS))
def test_vosk_knows_every_vocabulary_word(
    transcriber: Transcriber, capfd: pytest.CaptureFixture[str], expect: Expect
) -> None:
    capfd.readouterr()
    with vosk_warnings():
        transcriber.stream(grammar=GRAMMARS[expect])
    # Vosk logs (to the C stderr) each grammar word it does not know.
    assert "missing in vocabulary" not in capfd.readouterr().err


def test_vosk_reports_unknown_words_so_the_check_above_can_fail(
    transcriber: Transcriber, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()
    with vosk_warnings():
        transcriber.stream(grammar=["earcons off"])
    assert "missing in vocabulary: 'earcons'" in capfd.readouterr().err


def hear(transcriber: Transcriber, wav: Path) -> str:
    """What the short-answer recogniser hears in a WAV file, fed as a live stream would be: it
    is listening (to a quiet room) before the person speaks."""
    stream = transcriber.stream(grammar=CONTROL_VOCABULARY)
    utterance = stream.accept(bytes(RECOGNITION_RATE))  # half a second of silence first
    for chunk in read_16k_mono(wav):
        utterance = stream.accept(chunk) or utterance
    utterance = utterance or stream.accept(bytes(RECOGNITION_RATE * 2)) or stream.flush()
    return utterance.text if utterance else ""


@pytest.mark.slow
@pytest.mark.parametrize(("voice", "rate"), TEST_VOICES)
def test_spoken_vocabulary_is_recognised_as_the_same_control(
    transcriber: Transcriber, tmp_path: Path, voice: str, rate: int
) -> None:
    wrong = []
    for phrase in CONTROL_VOCABULARY:
        heard = hear(transcriber, espeak_wav_file(phrase, tmp_path / "phrase.wav", voice, rate))
        if match_control(heard) is not match_control(phrase):
            wrong.append(f"{phrase!r} -> {heard!r}")
    assert wrong == []
