"""A private speech-dispatcher for tests and benchmarks: the real daemon with its espeak-ng
module, in a temporary folder, speaking into a sound server of its own.

- ``output="pulse"``: a private PulseAudio whose null sink plays in real time, so timing, queueing
  and cancelling behave as on a desktop; :class:`MonitorRecorder` records the sink's monitor with
  the time of every audible block.
- ``output="file"``: ALSA's file plugin over "null", which takes the sound as fast as it is made:
  the daemon's own speed of synthesis (its real-time factor), nothing about timing.

Both programs run in the foreground as our children, with autospawn off, and are stopped at the
end; nothing is left behind. A client reaches the daemon through ``env`` (SPEECHD_ADDRESS).
The first line after the daemon starts reaches the sound server about 1.5 s late (measured), so
``start`` says one silent line first.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from support.audio import RATE

SINK = "tts_sink"
SYSTEM_MODULE_CONF = Path("/etc/speech-dispatcher/modules/espeak-ng.conf")
PACKAGES = "speech-dispatcher speech-dispatcher-espeak-ng python3-speechd pulseaudio-utils"
AUDIBLE = 300
"""A 10 ms block of the monitor counts as sound when a sample exceeds this."""
BLOCK_SECONDS = 0.01
FILE_RATE = 22050
"""Samples a second in the file output: espeak-ng's own rate, which ALSA's file plugin keeps."""

Output = Literal["pulse", "file"]

_CONF = """CommunicationMethod "unix_socket"
SocketPath "{run}/speechd.sock"
Timeout 0
LogLevel 3
LogDir "{log}"
AudioOutputMethod "{audio}"
AudioPulseDevice "default"
AudioALSADevice "default"
AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"
DefaultModule espeak-ng
DefaultLanguage "en"
DefaultRate {rate}
DefaultVolume 100
DisableAutoSpawn
"""
_ASOUNDRC = """pcm.!default {{
    type file
    slave.pcm "null"
    file "{file}"
    format "raw"
}}
"""


def require_programs() -> None:
    """The daemon, its module and the PulseAudio tools must be installed."""
    for program in ("speech-dispatcher", "pulseaudio", "parec"):
        if shutil.which(program) is None:
            raise SystemExit(f"{program} is missing; install: apt-get install {PACKAGES}")


@dataclass
class PrivateDispatcher:
    """A running private daemon."""

    folder: Path
    """The temporary folder holding its configuration, sockets and logs."""
    socket: Path
    """The daemon's socket."""
    env: dict[str, str]
    """Environment for a client (SPEECHD_ADDRESS) and for the sound tools (PULSE_SERVER)."""
    output: Output
    """Where its sound goes."""
    spoken_file: Path
    """With output "file": the raw s16le (22 050 Hz mono) the daemon wrote."""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def address(self) -> str:
        """SPEECHD_ADDRESS for a client."""
        return f"unix_socket:{self.socket}"

    def spoken_bytes(self) -> int:
        """How much the daemon has written so far (output "file")."""
        return self.spoken_file.stat().st_size if self.spoken_file.exists() else 0

    def spoken_since(self, mark: int) -> npt.NDArray[np.int16]:
        """The samples (at FILE_RATE) the daemon wrote after ``mark`` (output "file")."""
        with self.spoken_file.open("rb") as file:
            file.seek(mark)
            data = file.read()
        return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.int16)


def _wait_for_socket(path: Path, process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        if path.exists():
            probe = socket.socket(socket.AF_UNIX)
            try:
                probe.connect(str(path))
                return
            except OSError:
                pass
            finally:
                probe.close()
        time.sleep(0.02)
    raise TimeoutError(f"no socket {path} after {timeout} s")


@contextlib.contextmanager
def private_dispatcher(
    output: Output = "pulse", default_rate: int = 0
) -> Iterator[PrivateDispatcher]:
    """Start a private daemon (and its PulseAudio); stop both and remove the folder at the end.

    default_rate: the user's speech-dispatcher rate (DefaultRate, -100..100).
    """
    require_programs()
    folder = Path(tempfile.mkdtemp(prefix="speechd-test-"))
    run, log, conf, home = (folder / name for name in ("run", "log", "conf", "home"))
    for path in (run, log, conf / "modules", home):
        path.mkdir(parents=True, mode=0o700)
    spoken = folder / "spoken.raw"
    audio = "pulse" if output == "pulse" else "alsa"
    settings = _CONF.format(run=run, log=log, audio=audio, rate=default_rate)
    (conf / "speechd.conf").write_text(settings)
    shutil.copy(SYSTEM_MODULE_CONF, conf / "modules")
    if output == "file":
        (home / ".asoundrc").write_text(_ASOUNDRC.format(file=spoken))
    env = {
        **os.environ,
        "XDG_RUNTIME_DIR": str(run),
        "HOME": str(home),
        "PULSE_RUNTIME_PATH": str(run / "pulse"),
        "PULSE_SERVER": f"unix:{run}/pulse/native",
        "SPEECHD_ADDRESS": f"unix_socket:{run}/speechd.sock",
    }
    env.pop("ALSA_CONFIG_PATH", None)  # the daemon's ALSA reads only ~/.asoundrc
    dispatcher = PrivateDispatcher(folder, run / "speechd.sock", env, output, spoken)
    try:
        if output == "pulse":
            pulse = subprocess.Popen(
                ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--system=false", "-n",
                 f"--log-target=file:{log}/pulse.log",
                 "-L", f"module-null-sink sink_name={SINK} rate={RATE} channels=1",
                 "-L", "module-native-protocol-unix auth-anonymous=1",
                 "-L", "module-always-sink"],
                env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            dispatcher.processes.append(pulse)
            _wait_for_socket(run / "pulse" / "native", pulse)
        daemon = subprocess.Popen(
            ["speech-dispatcher", "-s", "-t", "0", "-C", str(conf), "-S", str(dispatcher.socket),
             "-L", str(log)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        dispatcher.processes.append(daemon)
        _wait_for_socket(dispatcher.socket, daemon)
        _warm_up(dispatcher)
        yield dispatcher
    finally:
        for process in reversed(dispatcher.processes):  # the daemon first, then PulseAudio
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _warm_up(dispatcher: PrivateDispatcher) -> None:
    """One silent line, so that the first real one is not held back by the sound server."""
    subprocess.run(
        ["spd-say", "-w", "-i", "-100", "-N", "warm-up", "warm up"],
        env=dispatcher.env, check=True, timeout=30, capture_output=True,
    )  # fmt: skip


class MonitorRecorder:
    """Records the null sink's monitor (16 kHz mono) in a thread, and tells when each sample was
    played.

    The monitor delivers samples without a gap, silence included, on the sink's own clock, so
    sample ``i`` was played ``i / RATE`` seconds after the first. When the first was played is
    taken from the read that came soonest after its samples (each read comes after them, and a
    busy machine only delays a read), so a slow reader does not shift the times.
    """

    def __init__(self, dispatcher: PrivateDispatcher) -> None:
        self._process = subprocess.Popen(
            ["parec", "-d", f"{SINK}.monitor", "--format=s16le", f"--rate={RATE}",
             "--channels=1", "--raw", "--latency-msec=10"],
            env=dispatcher.env, stdout=subprocess.PIPE,
        )  # fmt: skip
        self.pcm = bytearray()
        self._started = float("inf")
        """perf_counter() time of the first sample: the earliest the reads allow."""
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(0.3)  # the recording is running before anything is said

    def _read(self) -> None:
        assert self._process.stdout is not None
        block = 2 * int(RATE * BLOCK_SECONDS)
        while data := self._process.stdout.read(block):
            now = time.perf_counter()
            with self._lock:
                self.pcm.extend(data)
                self._started = min(self._started, now - len(self.pcm) / (2 * RATE))

    def mark(self) -> int:
        """Where the recording is now (a byte offset for ``since``)."""
        with self._lock:
            return len(self.pcm)

    def since(self, mark: int) -> bytes:
        """What was recorded after ``mark``."""
        with self._lock:
            return bytes(self.pcm[mark:])

    def sound_between(self, start: float, end: float) -> list[float]:
        """When (perf_counter) the audible 10 ms blocks between two times were played."""
        with self._lock:
            samples = np.frombuffer(bytes(self.pcm), dtype="<i2")
            started = self._started
        size = int(RATE * BLOCK_SECONDS)
        blocks = samples[: len(samples) // size * size].reshape(-1, size)
        loud = np.flatnonzero(np.abs(blocks.astype(np.int32)).max(axis=1) > AUDIBLE)
        times = started + loud * BLOCK_SECONDS
        return [float(at) for at in times if start <= at <= end]

    def close(self) -> None:
        """Stop recording."""
        self._process.terminate()
        self._process.wait(timeout=5)
        self._thread.join(timeout=5)
