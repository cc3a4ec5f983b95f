"""Two short tones that tell the user what the assistant is doing, without words.

``listening_started()`` is a rising two-note chirp ("your turn"); ``heard()`` is a short, lower,
falling blip ("got it"). Both are quiet, with raised-cosine fades so they start and end
without a click, and come at the speech engine's rate so one output stream setting fits all.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from assistant.adapters.sound import SPEECH_RATE, SpokenAudio, make_audio

LEVEL = 0.25
"""Peak level as a fraction of full scale: noticeable, never startling."""
FADE_SECONDS = 0.01


def _glide(start_hz: float, end_hz: float, seconds: float, rate: int) -> npt.NDArray[np.float64]:
    """A tone sliding from start_hz to end_hz, with a soft second harmonic and faded ends."""
    count = int(seconds * rate)
    frequency = np.linspace(start_hz, end_hz, count)
    phase = 2 * np.pi * np.cumsum(frequency) / rate  # continuous phase: no jumps mid-glide
    tone = np.sin(phase) + 0.2 * np.sin(2 * phase)
    fade = min(int(FADE_SECONDS * rate), count // 2)
    ramp = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade))
    tone[:fade] *= ramp
    tone[count - fade :] *= ramp[::-1]
    return tone


def _to_audio(parts: list[npt.NDArray[np.float64]], rate: int) -> SpokenAudio:
    signal = np.concatenate(parts)
    signal *= LEVEL / np.max(np.abs(signal))
    return make_audio(np.round(signal * 32767).astype(np.int16), rate)


@functools.cache
def listening_started(sample_rate: int = SPEECH_RATE) -> SpokenAudio:
    """Rising two-note chirp: the assistant is listening now."""
    gap = np.zeros(int(0.02 * sample_rate))
    return _to_audio(
        [_glide(620, 660, 0.08, sample_rate), gap, _glide(880, 940, 0.11, sample_rate)],
        sample_rate,
    )


@functools.cache
def heard(sample_rate: int = SPEECH_RATE) -> SpokenAudio:
    """Short falling blip, lower than the listening chirp: the assistant heard you."""
    return _to_audio([_glide(520, 390, 0.12, sample_rate)], sample_rate)
