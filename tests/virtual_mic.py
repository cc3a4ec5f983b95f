"""Shared test helpers: real speech from espeak-ng, a virtual ALSA microphone and speaker, and
transcription with the real Vosk model.

The virtual devices are plain ALSA plugins, no sound card or sound server needed:

- microphone: the ``file`` plugin over a ``null`` slave, with ``infile`` holding raw s16le audio.
  Not paced in real time: a stream reads the file as fast as it asks, so tests are quick.
  After the end of the file ALSA repeats stale buffer contents, so the helpers pad the speech
  with plenty of silence; read no further than you fed.
- speaker: the ``file`` plugin over ``null``, writing raw s16le at the stream's rate to a file,
  or to a FIFO so that the test's reader paces playback (see ``open_fifo_reader``).
- ``default`` is an ``asym`` of the two, so code that uses the default devices finds them.

ALSA reads its configuration when PortAudio starts, i.e. at ``import sounddevice``, so audio
code runs in a subprocess started with ``VirtualAudio.env`` (see ``run_python``).
"""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
import textwrap
import threading
import wave
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / "models" / "vosk-model-small-en-us-0.15"
SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
RATE = 16000
MIC_NAME = "virtual_mic"
SPEAKER_NAME = "virtual_speaker"


# -- speech made at test time ----------------------------------------------------------------


def espeak_wav(text: str, voice: str = "en-us", rate: int | None = None) -> bytes:
    """A WAV file of espeak-ng saying the text (espeak-ng's own rate, 22050 Hz)."""
    command = ["espeak-ng", "-v", voice, "--stdout"]
    if rate is not None:
        command += ["-s", str(rate)]
    return subprocess.run([*command, text], check=True, capture_output=True).stdout


def wav_to_raw(wav_bytes: bytes, sample_rate: int = RATE) -> bytes:
    """Any WAV to raw mono s16le at sample_rate, converted by sox (independent of our code)."""
    return subprocess.run(
        [
            "sox",
            "-t",
            "wav",
            "-",
            "-t",
            "raw",
            "-r",
            str(sample_rate),
            "-c",
            "1",
            "-b",
            "16",
            "-e",
            "signed-integer",
            "-L",
            "-",
        ],
        input=wav_bytes,
        check=True,
        capture_output=True,
    ).stdout


def espeak_to_raw16k(text: str, voice: str = "en-us", sample_rate: int = RATE) -> bytes:
    """espeak-ng speech as raw s16le mono at sample_rate (16 kHz by default)."""
    return wav_to_raw(espeak_wav(text, voice), sample_rate)


def samples_to_wav(samples: npt.NDArray[np.int16], sample_rate: int) -> bytes:
    """Mono int16 samples as a WAV file in memory."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def silence(seconds: float, sample_rate: int = RATE) -> bytes:
    """Raw s16le digital silence."""
    return bytes(2 * int(seconds * sample_rate))


# -- the real recogniser as the judge ---------------------------------------------------------


@functools.cache
def vosk_model() -> Any:
    """The real small English model, loaded once per test process."""
    import vosk

    vosk.SetLogLevel(-1)
    return vosk.Model(str(MODEL_DIR))


def transcribe_raw16k(pcm: bytes) -> str:
    """What Vosk hears in raw 16 kHz mono s16le audio."""
    import vosk

    recognizer = vosk.KaldiRecognizer(vosk_model(), RATE)
    words: list[str] = []
    step = 8000
    for start in range(0, len(pcm), step):
        if recognizer.AcceptWaveform(pcm[start : start + step]):
            words.append(json.loads(recognizer.Result())["text"])
    words.append(json.loads(recognizer.FinalResult())["text"])
    return " ".join(part for part in words if part)


def transcribe_samples(samples: npt.NDArray[np.int16], sample_rate: int) -> str:
    """What Vosk hears in int16 samples at any rate (resampled by sox)."""
    return transcribe_raw16k(wav_to_raw(samples_to_wav(samples, sample_rate)))


def transcribe_wav(wav_bytes: bytes) -> str:
    """What Vosk hears in a WAV file's bytes."""
    return transcribe_raw16k(wav_to_raw(wav_bytes))


# -- the virtual ALSA devices -----------------------------------------------------------------


@dataclass
class VirtualAudio:
    """A private ALSA configuration with a virtual microphone and speaker."""

    directory: Path
    """Folder holding the configuration and the device files."""
    config: Path
    """The asound.conf written for these devices."""
    mic_input: Path
    """Raw s16le the microphone delivers (at whatever rate the stream opens)."""
    speaker_output: Path
    """Where the speaker writes raw s16le at the stream's rate (a file or a FIFO)."""
    mic_tee: Path
    """Where the microphone plugin copies what it captured (/dev/null unless a FIFO was asked)."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment for a subprocess that should see these devices."""

    def speaker_samples(self) -> npt.NDArray[np.int16]:
        """What was played so far, when the speaker is a regular file."""
        return np.fromfile(self.speaker_output, dtype="<i2").astype(np.int16)


def alsa_config(mic_input: Path, speaker_output: Path, mic_tee: Path) -> str:
    """The ALSA configuration text for the virtual devices."""
    return textwrap.dedent(
        f"""\
        pcm.{MIC_NAME} {{
            type asym
            capture.pcm {{
                type file
                slave.pcm "null"
                file "{mic_tee}"
                infile "{mic_input}"
                format "raw"
            }}
        }}
        pcm.{SPEAKER_NAME} {{
            type asym
            playback.pcm {{
                type file
                slave.pcm "null"
                file "{speaker_output}"
                format "raw"
            }}
        }}
        pcm.!default {{
            type asym
            playback.pcm "{SPEAKER_NAME}"
            capture.pcm "{MIC_NAME}"
        }}
        """
    )


def make_virtual_audio(
    directory: Path,
    mic_pcm: bytes | None = b"",
    *,
    trailing_silence: float = 10.0,
    speaker_fifo: bool = False,
    mic_tee_fifo: bool = False,
) -> VirtualAudio:
    """Write the devices' configuration under directory.

    mic_pcm: raw s16le the microphone delivers, padded with trailing_silence seconds of
    silence (at 16 kHz); None leaves the microphone's input file missing, so ALSA cannot open
    it and PortAudio lists no microphone.
    speaker_fifo: make the speaker output a FIFO, so that a reader paces playback.
    mic_tee_fifo: make the microphone copy its capture to a FIFO; closing the FIFO's reader then
    breaks the capture stream with an I/O error, and not reading it stalls the stream.
    """
    directory.mkdir(parents=True, exist_ok=True)
    mic_input = directory / "mic_input.raw"
    speaker_output = directory / "speaker_output.raw"
    mic_tee = directory / "mic_tee.fifo" if mic_tee_fifo else Path("/dev/null")
    if mic_pcm is not None:
        mic_input.write_bytes(mic_pcm + silence(trailing_silence))
    if speaker_fifo:
        os.mkfifo(speaker_output)
    if mic_tee_fifo:
        os.mkfifo(mic_tee)
    config = directory / "asound.conf"
    config.write_text(alsa_config(mic_input, speaker_output, mic_tee))
    env = dict(os.environ)
    # The system file first (it defines the plugin types and "null"), then ours to override.
    env["ALSA_CONFIG_PATH"] = f"{SYSTEM_ALSA_CONF}:{config}"
    env["PYTHONPATH"] = str(REPO)
    return VirtualAudio(directory, config, mic_input, speaker_output, mic_tee, env)


def virtual_audio_env(directory: Path, infile_raw: bytes | None) -> dict[str, str]:
    """Environment variables for a subprocess whose default microphone plays infile_raw."""
    return make_virtual_audio(directory, infile_raw).env


def run_python(
    code: str, env: Mapping[str, str], *args: str, timeout: float = 60.0
) -> subprocess.CompletedProcess[str]:
    """Run a Python snippet in a fresh interpreter (so PortAudio reads env's ALSA config);
    args become sys.argv[1:]."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=dict(env),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class FifoReader:
    """Reads a FIFO in a thread: the other end (a device) can write only as fast as we read.

    Reads until ``limit`` bytes, then sets ``reached`` and either keeps reading until the writer
    closes (``then="drain"``), closes its end at once (``then="close"``, which breaks the
    writer's stream), stops reading but keeps the FIFO open (``then="hold"``, which stalls the
    writer until ``release()`` closes it), or stops reading until ``release()`` and then reads
    on until the writer closes (``then="pause"``).
    """

    def __init__(self, path: Path, limit: int, then: str = "drain") -> None:
        self.path = path
        self.limit = limit
        self.then = then
        self.data = bytearray()
        self.reached = threading.Event()
        self.finished = threading.Event()
        self._release = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # PortAudio opens devices to probe them, which opens and closes the FIFO once or
            # twice before the real stream: until the limit is reached, reopen after an EOF.
            while not self.reached.is_set():
                self._read_once()
        finally:
            self.reached.set()
            self.finished.set()

    def _read_once(self) -> None:
        with open(self.path, "rb", buffering=0) as fifo:
            while True:
                room = self.limit - len(self.data)
                chunk = fifo.read(4096 if self.reached.is_set() else min(4096, room))
                if not chunk:
                    return
                self.data.extend(chunk)
                if len(self.data) >= self.limit and not self.reached.is_set():
                    self.reached.set()
                    if self.then == "close":
                        return
                    if self.then in ("hold", "pause"):
                        self._release.wait(60)
                        if self.then == "hold":
                            return

    def release(self) -> None:
        """End a hold (the FIFO is closed, so the writer fails) or a pause (reading resumes)."""
        self._release.set()

    def join(self, timeout: float = 30.0) -> None:
        """Wait for the reader to finish."""
        self._thread.join(timeout)


def open_fifo_reader(path: Path, limit: int, then: str = "drain") -> FifoReader:
    """Start reading a FIFO (see FifoReader)."""
    return FifoReader(path, limit, then)
