"""A live virtual microphone: a FIFO that the ALSA ``file`` plugin reads as its ``infile``, fed
in real time by a writer thread.

The writer sends a 20 ms chunk every 20 ms by the clock: silence, or the speech handed to
:meth:`LiveMicrophone.say` while it lasts, with continuous background pink noise at a set level
when asked (so a noise condition is an SNR over the speech, and the noise runs through the pauses
as a room's would). It never stops writing: the microphone reports a stall after a few seconds
without sound.

A FIFO's ``open`` blocks until both ends are open, and PortAudio opens and closes the device to
probe it before the real stream starts; a closed reader breaks the writer (BrokenPipeError), so
the writer opens the FIFO again and goes on (``FifoReader`` in support/virtual_audio.py does the
mirror image for the speaker).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np
import numpy.typing as npt

from support.audio import RATE, Samples, pink_noise

CHUNK_SECONDS = 0.02
"""One write: 20 ms."""
CHUNK_SAMPLES = round(RATE * CHUNK_SECONDS)
PIPE_BYTES = 16384
"""The FIFO's buffer: room for the lead and the device's reads (Linux's default is 64 KiB)."""
LEAD_CHUNKS = 12
"""Chunks written at once when the FIFO opens (240 ms), so that the writer stays that far ahead.
The device reads in periods (80 ms here) by its own clock with a single ``read()``: a FIFO
holding less than a period gives a short read, and the plugin fills the rest with stale sound."""
OPEN_POLL_SECONDS = 0.01
"""How often the writer looks for the device's end of the FIFO while it is closed."""
NOISE_BLOCK_SECONDS = 30.0
"""Pink noise is made this much at a time, each block from the same seeded generator."""


def noise_level(speech: Samples, snr_db: float) -> float:
    """The noise's RMS (in sample units) that puts ``speech`` at ``snr_db`` over it."""
    power = float(np.mean(speech.astype(np.float64) ** 2))
    return float(np.sqrt(power / 10 ** (snr_db / 10)))


class _Noise:
    """Endless seeded pink noise at a fixed RMS, handed out chunk by chunk."""

    def __init__(self, rms: float, seed: int) -> None:
        self.rms = rms
        self.rng = np.random.default_rng(seed)
        self.block: npt.NDArray[np.float64] = np.zeros(0)
        self.position = 0

    def take(self, count: int) -> npt.NDArray[np.float64]:
        if self.position + count > len(self.block):
            rest = self.block[self.position :]
            fresh = pink_noise(round(NOISE_BLOCK_SECONDS * RATE), self.rng) * self.rms
            self.block, self.position = np.concatenate([rest, fresh]), 0
        chunk = self.block[self.position : self.position + count]
        self.position += count
        return chunk


class LiveMicrophone:
    """Feeds a FIFO (the virtual microphone's ``infile``) in real time from a thread.

    Use as a context manager, or call :meth:`start` and :meth:`close`.
    """

    def __init__(self, fifo: Path, noise_rms: float = 0.0, seed: int = 0) -> None:
        self.fifo = fifo
        """The FIFO the microphone plugin reads."""
        self.noise = _Noise(noise_rms, seed) if noise_rms > 0 else None
        """Background noise added to every chunk, speech or silence; None: digital silence."""
        self.reopened = 0
        """Times the reader went away and the FIFO was opened again (PortAudio's probes)."""
        self._speech: deque[Samples] = deque()
        self._position = 0  # samples of the first queued utterance already written
        self._lock = threading.Lock()
        self._quiet = threading.Event()  # set while no speech is queued
        self._quiet.set()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="live-microphone", daemon=True)

    def __enter__(self) -> LiveMicrophone:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> None:
        """Start writing (the first open waits for the device to open its end)."""
        self._thread.start()

    def close(self) -> None:
        """Stop writing; the device then sees the end of its input."""
        self._closing.set()
        self._thread.join(timeout=5.0)

    def say(self, speech: Samples) -> None:
        """Queue speech; it goes out in real time after anything queued before it."""
        with self._lock:
            self._speech.append(np.asarray(speech, dtype=np.int16))
            self._quiet.clear()

    def hush(self) -> None:
        """Stop speaking at once (the assistant has started to answer): drop what is queued."""
        with self._lock:
            self._speech.clear()
            self._position = 0
            self._quiet.set()

    def speaking(self) -> bool:
        """Whether queued speech is still being written."""
        return not self._quiet.is_set()

    def wait_quiet(self, timeout: float | None = None) -> bool:
        """Wait until every queued utterance has been written; False on timeout."""
        return self._quiet.wait(timeout)

    # -- the writer thread --

    def _run(self) -> None:
        while not self._closing.is_set():
            fd = self._open()
            if fd is None:
                return
            try:
                self._write_paced(fd)
            except BrokenPipeError:
                self.reopened += 1  # the device closed its end (a probe): open it again
            finally:
                os.close(fd)

    def _open(self) -> int | None:
        """Open the FIFO once the device has opened its end; None when closing first.

        A blocking open would wait for the reader however long it takes, and could not be
        told to stop; a non-blocking one fails with ENXIO until there is a reader."""
        while not self._closing.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                if error.errno != errno.ENXIO:
                    raise
                self._closing.wait(OPEN_POLL_SECONDS)
                continue
            os.set_blocking(fd, True)
            with contextlib.suppress(OSError):
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            return fd
        return None

    def _write_paced(self, fd: int) -> None:
        """Write a chunk every CHUNK_SECONDS by the clock until closing or the reader goes."""
        for _ in range(LEAD_CHUNKS):
            os.write(fd, self._next_chunk())
        next_at = time.monotonic()
        while not self._closing.is_set():
            os.write(fd, self._next_chunk())
            next_at += CHUNK_SECONDS
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            elif delay < -1.0:
                next_at = time.monotonic()  # held up (the reader paused): no burst to catch up

    def _next_chunk(self) -> bytes:
        chunk = np.zeros(CHUNK_SAMPLES, dtype=np.float64)
        with self._lock:
            filled = 0
            while filled < CHUNK_SAMPLES and self._speech:
                current = self._speech[0]
                part = current[self._position : self._position + CHUNK_SAMPLES - filled]
                chunk[filled : filled + len(part)] = part
                filled += len(part)
                self._position += len(part)
                if self._position >= len(current):
                    self._speech.popleft()
                    self._position = 0
            if not self._speech:
                self._quiet.set()
        if self.noise is not None:
            chunk += self.noise.take(CHUNK_SAMPLES)
        return np.clip(np.round(chunk), -32768, 32767).astype("<i2").tobytes()
