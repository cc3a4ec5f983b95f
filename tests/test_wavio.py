"""WAV reading: every usual format converts to 16 kHz mono; bad files get one clear error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.wavio import Resampler, read_16k_mono, read_format
from assistant.core.errors import UserError
from support.audio import header_only_wav
from support.cli_run import WITHOUT_READ_OVERRIDE
from support.speech import espeak_wav_file


def _sox(source: Path, target: Path, *options: str) -> Path:
    subprocess.run(["sox", str(source), *options, str(target)], check=True)
    return target


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav_file("I hurt my knee", tmp_path_factory.mktemp("wav") / "speech.wav")


@pytest.mark.parametrize(
    "options",
    [
        ("-b", "8"),
        ("-b", "24"),
        ("-e", "floating-point", "-b", "32"),
        ("-c", "2"),
        ("-r", "8000"),
        ("-r", "48000"),
        ("-r", "44100", "-c", "2", "-b", "24"),
    ],
    ids=["8bit", "24bit", "float32", "stereo", "8kHz", "48kHz", "44k-stereo-24bit"],
)
def test_usual_formats_become_16k_mono_of_the_same_length(
    speech_wav: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    converted = _sox(speech_wav, tmp_path / "converted.wav", *options)
    pcm = b"".join(read_16k_mono(converted))
    seconds = len(pcm) / 2 / 16000
    assert seconds == pytest.approx(read_format(speech_wav).duration, abs=0.02)
    samples = np.frombuffer(pcm, dtype="<i2")
    assert np.abs(samples).max() > 1000  # the speech survived the conversion


def test_resampling_keeps_a_tone_at_its_pitch_across_chunk_boundaries() -> None:
    rate = 44100
    tone = np.sin(2 * np.pi * 440 * np.arange(rate) / rate).astype(np.float32)
    resampler = Resampler(rate)
    chunks = [resampler.process(tone[i : i + 1000]) for i in range(0, rate, 1000)]
    output = np.concatenate([*chunks, resampler.finish()])
    assert len(output) == pytest.approx(16000, abs=2)
    spectrum = np.abs(np.fft.rfft(output[:16000]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=1)  # bins are 1 Hz apart


def test_truncated_file_yields_the_whole_frames_it_has(speech_wav: Path, tmp_path: Path) -> None:
    data = speech_wav.read_bytes()
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(data[: len(data) // 2 + 1])  # cut in the middle of a sample
    pcm = b"".join(read_16k_mono(truncated))
    assert 0 < len(pcm) < len(b"".join(read_16k_mono(speech_wav)))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.wav", "does not exist"),
        (lambda p: p, "is a folder"),
        (lambda p: (p / "empty.wav", (p / "empty.wav").write_bytes(b""))[0], "is empty"),
        (lambda p: (p / "t.wav", (p / "t.wav").write_text("hello there"))[0], "not a WAV"),
        (
            lambda p: (p / "s.mp3.wav", (p / "s.mp3.wav").write_bytes(b"ID3\x03" + bytes(400)))[0],
            "not a WAV",
        ),
        (lambda p: header_only_wav(p / "header.wav"), "holds no audio"),
    ],
    ids=["missing", "directory", "empty", "text", "renamed-mp3", "header-only"],
)
def test_bad_files_get_one_line_naming_the_fix(make, message: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(UserError, match=message) as caught:
        read_format(path)
    assert "\n" not in caught.value.message


def test_unreadable_file_is_reported(speech_wav: Path) -> None:
    # Root reads any file, so the check runs without that power.
    folder = Path(tempfile.mkdtemp(prefix="unreadable-", dir="/tmp"))
    folder.chmod(0o755)
    locked = folder / "locked.wav"
    shutil.copy(speech_wav, locked)
    locked.chmod(0)
    code = "from pathlib import Path; from assistant.adapters.wavio import read_format; " + (
        "read_format(Path(%r))"
    )
    restricted = WITHOUT_READ_OVERRIDE if os.geteuid() == 0 else []
    result = subprocess.run(
        [*restricted, sys.executable, "-c", code % str(locked)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
        check=False,
    )
    shutil.rmtree(folder)
    assert "cannot be read" in result.stderr


def test_unsupported_encoding_names_the_conversion(speech_wav: Path, tmp_path: Path) -> None:
    mulaw = _sox(speech_wav, tmp_path / "mulaw.wav", "-e", "u-law")
    with pytest.raises(UserError, match="sox"):
        read_format(mulaw)
