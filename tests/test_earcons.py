"""The two tones: short, gentle, click-free, rising for "listening" and falling for "heard"."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

from assistant.adapters.earcons import heard, listening_started
from assistant.adapters.sound import SpokenAudio

EARCONS = [listening_started, heard]


def dominant_hz(samples: npt.NDArray[np.int16], rate: int) -> float:
    """Frequency of the strongest spectral peak of a stretch of sound."""
    windowed = samples.astype(np.float64) * np.hanning(len(samples))
    padded = len(samples) * 8  # finer frequency bins
    spectrum = np.abs(np.fft.rfft(windowed, padded))
    return float(np.fft.rfftfreq(padded, 1 / rate)[np.argmax(spectrum)])


def sounding(audio: SpokenAudio) -> npt.NDArray[np.int16]:
    """The samples without leading and trailing quiet (fades and gaps)."""
    loud = np.nonzero(np.abs(audio.samples) > 0.1 * np.abs(audio.samples).max())[0]
    return audio.samples[loud[0] : loud[-1] + 1]


@pytest.mark.parametrize("make", EARCONS)
def test_earcon_is_short_int16_audio_at_the_speech_rate(make: Callable[[], SpokenAudio]) -> None:
    audio = make()
    assert isinstance(audio, SpokenAudio)
    assert audio.samples.dtype == np.int16 and audio.samples.ndim == 1
    assert audio.sample_rate == 22050
    assert 0.08 <= audio.duration <= 0.3


@pytest.mark.parametrize("make", EARCONS)
def test_earcon_is_gentle_but_audible(make: Callable[[], SpokenAudio]) -> None:
    peak = np.abs(make().samples).max() / 32767
    assert 0.1 <= peak <= 0.35


@pytest.mark.parametrize("make", EARCONS)
def test_earcon_fades_in_and_out_without_a_click(make: Callable[[], SpokenAudio]) -> None:
    samples = make().samples.astype(np.float64)
    peak = np.abs(samples).max()
    edge = int(0.002 * 22050)  # the first and last 2 ms
    assert np.abs(samples[:edge]).max() < 0.2 * peak
    assert np.abs(samples[-edge:]).max() < 0.2 * peak
    assert abs(samples[0]) < 0.01 * peak and abs(samples[-1]) < 0.01 * peak
    # No jump between neighbouring samples bigger than the steepest tone slope allows.
    assert np.abs(np.diff(samples)).max() < 0.4 * peak


def test_listening_chirp_rises() -> None:
    tone = sounding(listening_started())
    half = len(tone) // 2
    assert dominant_hz(tone[half:], 22050) > 1.2 * dominant_hz(tone[:half], 22050)


def test_heard_blip_falls_and_sits_lower_than_the_chirp() -> None:
    blip = sounding(heard())
    quarter = len(blip) // 4
    start, end = dominant_hz(blip[:quarter], 22050), dominant_hz(blip[-quarter:], 22050)
    assert end < 0.9 * start
    chirp_top = dominant_hz(sounding(listening_started())[-quarter:], 22050)
    assert start < chirp_top


def test_the_two_earcons_are_distinct() -> None:
    assert not np.array_equal(listening_started().samples[:2000], heard().samples[:2000])
    assert listening_started().duration != heard().duration


def test_earcons_at_another_rate_keep_their_pitch() -> None:
    at_16k = sounding(heard(16000))
    at_22k = sounding(heard())
    assert heard(16000).sample_rate == 16000
    assert abs(dominant_hz(at_16k, 16000) - dominant_hz(at_22k, 22050)) < 15


def test_earcons_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        heard().samples[0] = 0
