"""A virtual ALSA microphone and speaker, no sound card or sound server needed.

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

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from support import REPO
from support.audio import silence

SYSTEM_ALSA_CONF = Path("/usr/share/alsa/alsa.conf")
MIC_NAME = "virtual_mic"
SPEAKER_NAME = "virtual_speaker"


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
    mic_fifo: bool = False,
    speaker_discard: bool = False,
) -> VirtualAudio:
    """Write the devices' configuration under directory.

    mic_pcm: raw s16le the microphone delivers, padded with trailing_silence seconds of
    silence (at 16 kHz); None leaves the microphone's input file missing, so ALSA cannot open
    it and PortAudio lists no microphone.
    speaker_fifo: make the speaker output a FIFO, so that a reader paces playback.
    mic_tee_fifo: make the microphone copy its capture to a FIFO; closing the FIFO's reader then
    breaks the capture stream with an I/O error, and not reading it stalls the stream.
    mic_fifo: make the microphone's input a FIFO (mic_pcm is then ignored), for a live writer
    that feeds it in real time (support/live_microphone.py).
    speaker_discard: the speaker writes to /dev/null (nothing kept, nothing paces playback).
    """
    directory.mkdir(parents=True, exist_ok=True)
    mic_input = directory / "mic_input.raw"
    speaker_output = Path("/dev/null") if speaker_discard else directory / "speaker_output.raw"
    mic_tee = directory / "mic_tee.fifo" if mic_tee_fifo else Path("/dev/null")
    if mic_fifo:
        os.mkfifo(mic_input)
    elif mic_pcm is not None:
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


def put_in_place(path: Path, make: Callable[[Path], object]) -> None:
    """Put a new folder or FIFO, made by ``make``, where ``path`` is (a device unplugged or
    plugged in again), with no moment where nothing is there.

    The assistant keeps retrying the device meanwhile, and ALSA's file plugin creates a plain
    file where nothing is: removing the old node and then making the new one races with it.
    So the new node is made beside it and renamed over it; what cannot be renamed over (a
    folder over a FIFO or a file, anything over a folder) is removed and the rename tried again.
    """
    fresh = path.with_name(f"{path.name}.new")
    make(fresh)
    for _ in range(1000):
        try:
            os.rename(fresh, path)
            return
        except OSError:
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink(missing_ok=True)
    raise RuntimeError(f"could not put a new node at {path}")


class FifoReader:
    """Reads a FIFO in a thread: the other end (a device) can write only as fast as we read.

    Reads until ``limit`` bytes, then sets ``reached`` and either keeps reading until the writer
    closes (``then="drain"``), closes its end at once (``then="close"``, which breaks the
    writer's stream and leaves a folder in the FIFO's place, so it cannot be opened again),
    stops reading but keeps the FIFO open (``then="hold"``, which stalls the writer until
    ``release()`` closes it), or stops reading until ``release()`` and then reads on until the
    writer closes (``then="pause"``).
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
                        # Gone, like an unplugged device: opening it again fails at once
                        # (a FIFO's open would instead wait for a reader that never comes).
                        put_in_place(self.path, Path.mkdir)
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
