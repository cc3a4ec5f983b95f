"""The test voices: each speaks, always the same samples, and Vosk hears it."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from assistant.core.errors import UserError
from support import REPO, audio
from support.judge import hear_raw16k
from support.voices import ALL_VOICES, ESPEAK_VOICES, NEURAL_VOICES, Voice, by_name

PLAIN = "i twisted my ankle playing football"
"""Heard word for word from five of the six voices (espeak en-us makes "football" "folks out")."""

VOICES = pytest.mark.parametrize("voice", ALL_VOICES, ids=lambda v: v.name)


def _digest(samples: np.ndarray) -> str:
    return hashlib.sha256(samples.tobytes()).hexdigest()


@VOICES
def test_voice_speaks_16k_int16_speech(voice: Voice) -> None:
    samples = voice.speak(PLAIN)
    assert samples.dtype == np.int16 and samples.ndim == 1
    seconds = len(samples) / audio.RATE
    assert 1.0 < seconds < 5.0
    assert np.abs(samples).max() > 8000  # speech, not silence or a whisper


@VOICES
def test_slower_rate_speaks_longer(voice: Voice) -> None:
    assert len(voice.speak(PLAIN, 0.8)) > 1.1 * len(voice.speak(PLAIN, 1.0))


@VOICES
def test_voice_says_the_same_samples_every_time(voice: Voice) -> None:
    assert _digest(voice.speak(PLAIN)) == _digest(voice.speak(PLAIN))


@pytest.mark.slow
def test_neural_voices_say_the_same_samples_in_a_fresh_process() -> None:
    script = (
        "import hashlib, sys\n"
        "from support.voices import by_name\n"
        "for name in sys.argv[1:]:\n"
        f"    print(hashlib.sha256(by_name(name).speak({PLAIN!r}).tobytes()).hexdigest())\n"
    )
    names = [v.name for v in NEURAL_VOICES]
    result = subprocess.run(
        [sys.executable, "-c", script, *names],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [_digest(v.speak(PLAIN)) for v in NEURAL_VOICES]


@pytest.mark.slow
@VOICES
def test_vosk_hears_a_plain_sentence(voice: Voice) -> None:
    clip = audio.clip_audio(voice.speak(PLAIN), None, np.random.default_rng(0))
    heard = hear_raw16k(clip).split()
    assert {"twisted", "ankle", "playing"} <= set(heard), heard


def test_voices_are_found_by_name_and_unknown_names_are_refused() -> None:
    assert [by_name(v.name) for v in ALL_VOICES] == list(ALL_VOICES)
    assert {v.family for v in ESPEAK_VOICES} == {"espeak-ng"}
    assert {v.family for v in NEURAL_VOICES} == {"neural"}
    with pytest.raises(UserError, match="no test voice called 'robot'; choose from espeak en-us"):
        by_name("robot")
