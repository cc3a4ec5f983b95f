"""Test speech made at test time with espeak-ng (support/voices.py puts these and the two neural
voices behind one interface)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from support.audio import RATE, Samples, raw_to_samples, wav_to_raw

TEST_VOICES = (("en-us+f1", 140), ("en-gb", 140))
"""Two clearly different espeak-ng voices; the keyword floors were measured with exactly these.
espeak-ng's default voice makes Vosk hear "knee" as "the", so the tests use these instead."""


def require_tools() -> None:
    """espeak-ng and sox must be installed; one line naming the fix otherwise."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed; install it with: apt-get install {tool}")


def espeak_wav(text: str, voice: str = "en-us", rate: int | None = None) -> bytes:
    """A WAV file of espeak-ng saying the text (espeak-ng's own 22 050 Hz mono 16-bit)."""
    command = ["espeak-ng", "-v", voice, "--stdout"]
    if rate is not None:
        command += ["-s", str(rate)]
    return subprocess.run([*command, text], check=True, capture_output=True).stdout


def espeak_wav_file(text: str, path: Path, voice: str = "en-us+f1", rate: int = 140) -> Path:
    """Speak text into a WAV file; returns the path."""
    path.write_bytes(espeak_wav(text, voice, rate))
    return path


def espeak_to_raw16k(text: str, voice: str = "en-us", sample_rate: int = RATE) -> bytes:
    """espeak-ng speech as raw s16le mono at sample_rate (16 kHz by default)."""
    return wav_to_raw(espeak_wav(text, voice), sample_rate)


def espeak_samples(text: str, voice: str, rate: int) -> Samples:
    """espeak-ng speech at ``rate`` words a minute as 16 kHz mono int16 samples."""
    return raw_to_samples(wav_to_raw(espeak_wav(text, voice, rate)))
