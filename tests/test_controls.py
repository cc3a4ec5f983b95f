"""Tests for assistant/controls.py: whole-utterance control matching and the grammar vocabulary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.controls import (
    CONTROL_VOCABULARY,
    PHRASES,
    Control,
    control_prefix,
    match_control,
    normalize,
)

MODEL_DIR = Path(
    os.environ.get("VOSK_MODEL_PATH")
    or Path(__file__).resolve().parents[1] / "models" / "vosk-model-small-en-us-0.15"
)


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
        ("yes", Control.YES), ("Yeah.", Control.YES), ("no", Control.NO),
        ("No thanks", Control.NO), ("repeat", Control.REPEAT),
        ("Say that again", Control.REPEAT), ("What did you say?", Control.REPEAT),
        ("slower", Control.SLOWER), ("more slowly", Control.SLOWER),
        ("faster", Control.FASTER), ("louder", Control.LOUDER), ("Speak up!", Control.LOUDER),
        ("quieter", Control.QUIETER), ("help", Control.HELP), ("stop", Control.STOP),
        ("start over", Control.START_OVER), ("tell me more", Control.MORE),
        ("goodbye", Control.GOODBYE), ("bye", Control.GOODBYE), ("That's all", Control.GOODBYE),
        ("quit", Control.GOODBYE), ("exit", Control.GOODBYE), ("cancel", Control.GOODBYE),
        ("earcons off", Control.EARCONS_OFF), ("sounds on", Control.EARCONS_ON),
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


@pytest.fixture(scope="module")
def vosk_model() -> Iterator[Any]:
    import vosk

    if not (MODEL_DIR / "am").is_dir():
        pytest.fail(f"Vosk model missing at {MODEL_DIR}: install it or set VOSK_MODEL_PATH")
    vosk.SetLogLevel(0)
    yield vosk.Model(str(MODEL_DIR))


def test_vosk_knows_every_vocabulary_word(
    vosk_model: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import vosk

    capfd.readouterr()
    vosk.KaldiRecognizer(vosk_model, 16000, json.dumps(list(CONTROL_VOCABULARY)))
    # Vosk logs (to the C stderr) each grammar word it does not know.
    assert "missing in vocabulary" not in capfd.readouterr().err


def test_vosk_reports_unknown_words_so_the_check_above_can_fail(
    vosk_model: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    import vosk

    capfd.readouterr()
    vosk.KaldiRecognizer(vosk_model, 16000, json.dumps(["earcons off"]))
    assert "missing in vocabulary: 'earcons'" in capfd.readouterr().err


def speak_pcm(text: str) -> bytes:
    """16 kHz mono s16le speech of `text`, made by espeak-ng and resampled by sox."""
    espeak, sox = shutil.which("espeak-ng"), shutil.which("sox")
    assert espeak and sox, "espeak-ng and sox are needed (apt install espeak-ng sox)"
    wav = subprocess.run([espeak, "--stdout", text], check=True, capture_output=True).stdout
    return subprocess.run(
        [sox, "-t", "wav", "-", "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer",
         "-t", "raw", "-"],
        input=wav, check=True, capture_output=True,
    ).stdout


@pytest.mark.slow
def test_spoken_vocabulary_is_recognised_as_the_same_control(vosk_model: Any) -> None:
    import vosk

    grammar = json.dumps(list(CONTROL_VOCABULARY))
    wrong = []
    for phrase in CONTROL_VOCABULARY:
        recognizer = vosk.KaldiRecognizer(vosk_model, 16000, grammar)
        recognizer.AcceptWaveform(speak_pcm(phrase))
        heard = json.loads(recognizer.FinalResult())["text"]
        if match_control(heard) is not match_control(phrase):
            wrong.append(f"{phrase!r} -> {heard!r}")
    assert wrong == []
