"""Audio as values: the sample rates in use, a played or saved piece of sound, and how saying
one line went.

Two rates, two meanings: the recogniser hears 16 kHz (every microphone frame and WAV file is
brought to it), and espeak-ng speaks at 22 050 Hz (the tones are made at that rate, so one
output stream setting fits speech and tones alike).
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RECOGNITION_RATE = 16000
"""Samples a second of the audio handed to the recogniser."""
SPEECH_RATE = 22050
"""Samples a second that espeak-ng speaks at, and the tones are made at."""


@dataclass(frozen=True)
class SpokenAudio:
    """Mono 16-bit audio ready to play or save."""

    samples: npt.NDArray[np.int16]
    """The samples, one channel, read-only."""
    sample_rate: int
    """Samples a second."""

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate

    def wav_bytes(self) -> bytes:
        """The audio as a complete WAV file."""
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.sample_rate)
            wav.writeframes(self.samples.astype("<i2").tobytes())
        return buffer.getvalue()


def make_audio(samples: npt.NDArray[np.int16], sample_rate: int) -> SpokenAudio:
    """Wrap samples as read-only SpokenAudio, so cached copies cannot be changed by a caller."""
    frozen = np.ascontiguousarray(samples, dtype=np.int16)
    frozen.flags.writeable = False
    return SpokenAudio(frozen, sample_rate)


@dataclass(frozen=True)
class Spoken:
    """How saying one line went, whichever speech output said it."""

    finished: bool
    """True when it was said to the end; False when it was stopped or cancelled."""
    synthesis: float = 0.0
    """Seconds spent making the first sound before it could be played (0 where a daemon makes
    the sound and plays it itself)."""
    first_sound_at: float | None = None
    """When (``time.perf_counter``) the first sound went out: the first block handed to the
    device, or speech-dispatcher's BEGIN event; None when nothing was heard."""
