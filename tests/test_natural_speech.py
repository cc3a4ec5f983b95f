"""Tests for assistant/adapters/natural_speech.py: the real Piper voice, heard again with Vosk.

The voice comes with the optional ``natural`` extra, which `make test` installs; without it
these tests are skipped, and say so.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.natural_speech import (
    VOICE_NAME,
    NaturalVoice,
    describe,
    install_hint,
    is_installed,
)
from assistant.adapters.sound import SpokenAudio
from assistant.core.advice import advise
from assistant.core.controls import normalize
from assistant.core.dialogue import GREETING
from assistant.core.errors import UserError
from assistant.core.settings import Settings
from support.judge import hear_samples, hear_wav
from support.metrics import keyword_recall

pytestmark = pytest.mark.skipif(
    not is_installed(), reason=f"the natural voice is not installed ({install_hint()})"
)

REPLY = advise("i twisted my ankle playing football").reply.reply
RECALL_FLOOR = 0.7
"""Share of a line's words Vosk must find: it hears this voice far better than espeak-ng
(about 10 % of words wrong, measured), and the wrong line shares only a few small words."""


@pytest.fixture(scope="module")
def voice() -> NaturalVoice:
    return NaturalVoice()


def _recall(text: str, audio: SpokenAudio) -> float:
    heard = hear_samples(audio.samples, audio.sample_rate)
    return keyword_recall([(normalize(text).split(), heard)])


def _rms(audio: SpokenAudio) -> float:
    return float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)))


@pytest.mark.slow
@pytest.mark.parametrize("line", [GREETING, REPLY])
def test_each_line_is_heard_as_itself(voice: NaturalVoice, line: str) -> None:
    audio = voice.synthesize(line)
    other = REPLY if line == GREETING else GREETING
    assert audio.sample_rate == 22050 and audio.duration > 2.0
    assert _recall(line, audio) >= RECALL_FLOOR
    assert _recall(line, audio) > _recall(other, audio) + 0.3


@pytest.mark.slow
def test_a_line_comes_one_sentence_at_a_time_and_the_first_comes_early(
    voice: NaturalVoice,
) -> None:
    started = time.perf_counter()
    arrivals = []
    pieces = []
    for piece in voice.stream(REPLY):
        arrivals.append(time.perf_counter() - started)
        pieces.append(piece)
    assert len(pieces) == REPLY.count(". ") + 1  # one piece per sentence
    assert arrivals[0] < arrivals[-1] / 2
    whole = np.concatenate([piece.samples for piece in pieces])
    assert np.array_equal(whole, voice.synthesize(REPLY).samples)


def test_the_same_line_is_the_same_sound_every_time(voice: NaturalVoice) -> None:
    first, again = voice.synthesize(GREETING), NaturalVoice().synthesize(GREETING)
    assert np.array_equal(first.samples, again.samples)


def test_rate_and_volume_follow_the_settings() -> None:
    voice = NaturalVoice()
    normal = voice.synthesize(GREETING)
    voice.follow(Settings(rate=250, volume=0.4))
    fast_quiet = voice.synthesize(GREETING)
    voice.follow(Settings(rate=125))
    slow = voice.synthesize(GREETING)
    assert fast_quiet.duration < 0.8 * normal.duration < 0.8 * 0.8 * slow.duration
    assert _rms(fast_quiet) < 0.6 * _rms(normal)


def test_prompts_are_cached_and_replies_are_not(voice: NaturalVoice) -> None:
    prompt = voice.synthesize(GREETING, cache=True)
    assert voice.synthesize(GREETING, cache=True) is prompt
    assert voice.synthesize(GREETING) is not prompt


def test_blank_text_gives_no_sound(voice: NaturalVoice) -> None:
    assert len(voice.synthesize("  ").samples) == 0


@pytest.mark.slow
def test_save_wav_writes_a_private_file_of_the_line(voice: NaturalVoice, tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    voice.save_wav(REPLY, path)
    assert path.stat().st_mode & 0o777 == 0o600  # it repeats what the person said
    heard = hear_wav(path.read_bytes())
    assert keyword_recall([(normalize(REPLY).split(), heard)]) >= RECALL_FLOOR


def test_a_missing_extra_is_one_line_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fault injected: the installed package is hidden, as on a machine without the extra.
    monkeypatch.setitem(sys.modules, "piper", None)
    with pytest.raises(UserError) as caught:
        NaturalVoice()
    assert "not installed" in caught.value.message
    assert install_hint() in caught.value.message


def test_describe_names_the_voice_and_that_it_is_installed() -> None:
    info = describe()
    assert info.name == VOICE_NAME and info.installed
