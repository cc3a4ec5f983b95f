"""Microphone capture through sounddevice as 16 kHz mono 16-bit frames.

A reader thread does blocking reads from a sounddevice InputStream, converts each block to 16 kHz
mono 16-bit frames and hands them over through a bounded queue. With a live device, a frame that
finds the queue still full after half a frame's time is dropped and counted (an overflow), never
fatal: the device must keep being read. A source that runs ahead of real time (a file or a
virtual device; it shows itself by delivering sound faster than real time) is held back instead,
since waiting loses nothing there; with ``realtime=True`` such a source is also paced to the
clock, like a live microphone. While the assistant speaks the microphone can be muted: frames
then go to a second queue for a barge-in listener, not to the main recogniser.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.adapters.devices import (
    DEVICE_UNAVAILABLE,
    DEVICES_HINT,
    MicrophoneError,
    device_error_code,
    device_error_reason,
    find_device,
    parse_device,
    sounddevice_module,
)
from assistant.adapters.sound import RECOGNITION_RATE
from assistant.adapters.wavio import Resampler

FRAME_SAMPLES = 1600
"""Samples in one frame: 100 ms at 16 kHz."""
AHEAD_MARGIN = 1.0
"""Seconds a source may run ahead of the clock (a live device's buffered start) and still count
as live."""

log = logging.getLogger(__name__)


def _capture_format(sd: Any, info: dict[str, Any], capture_rate: int | None) -> tuple[int, int]:
    """(rate, channels) the device accepts: 16 kHz mono if it can, else its own rate and layout."""
    rates = [capture_rate] if capture_rate else [RECOGNITION_RATE, int(info["default_samplerate"])]
    channel_options = [1, 2] if int(info["max_input_channels"]) >= 2 else [1]
    for channels in channel_options:
        for rate in rates:
            try:
                sd.check_input_settings(
                    device=info["index"], channels=channels, dtype="int16", samplerate=rate
                )
            except (sd.PortAudioError, ValueError):
                continue
            return rate, channels
    raise MicrophoneError(
        f"The microphone {info['name']} cannot record 16-bit sound at {rates[0]} Hz; "
        f"choose another with --device ({DEVICES_HINT})."
    )


class _FrameMaker:
    """Turns device blocks (any rate, mono or stereo) into exact 16 kHz mono 16-bit frames."""

    def __init__(self, rate: int, frame_samples: int) -> None:
        self.frame_samples = frame_samples
        self.resampler = Resampler(rate, RECOGNITION_RATE) if rate != RECOGNITION_RATE else None
        self.pending = np.zeros(0, dtype=np.int16)

    def push(self, block: npt.NDArray[np.int16]) -> list[bytes]:
        mono = block.mean(axis=1) if block.ndim == 2 and block.shape[1] > 1 else block.reshape(-1)
        if self.resampler is not None:
            floats = self.resampler.process(mono.astype(np.float32) / 32768.0)
            mono = np.clip(floats * 32768.0, -32768, 32767)
        samples = np.concatenate([self.pending, mono.astype(np.int16)])
        count = len(samples) // self.frame_samples
        frames = [
            samples[i * self.frame_samples : (i + 1) * self.frame_samples].astype("<i2").tobytes()
            for i in range(count)
        ]
        self.pending = samples[count * self.frame_samples :]
        return frames


class Microphone:
    """Capture from a microphone as 16 kHz mono 16-bit frames; use as a context manager.

    ``read()``/``frames()`` give the frames for the main recogniser. Set ``muted`` while the
    assistant speaks: frames then go to ``read_muted()`` (for a barge-in "stop" listener) and
    the main queue receives nothing.
    """

    def __init__(
        self,
        device: int | str | None = None,
        *,
        frame_samples: int = FRAME_SAMPLES,
        queue_frames: int = 50,
        capture_rate: int | None = None,
        stall_timeout: float | None = 5.0,
        throttle: bool | None = None,
        realtime: bool = False,
    ) -> None:
        self.device = parse_device(device)
        self.frame_samples = frame_samples
        self.frame_seconds = frame_samples / RECOGNITION_RATE
        self.capture_rate = capture_rate
        """Device rate in Hz once open (resampled to 16 kHz); None before opening = best choice."""
        self.stall_timeout = stall_timeout
        """Seconds without sound from the device before read() reports it lost; None = never."""
        self.throttle = throttle
        """When the queue is full: True holds the device back (nothing lost), False drops the
        frame and counts it, None (default) holds back a source that has run more than
        AHEAD_MARGIN ahead of real time (a file or virtual device, which cannot lose sound by
        waiting) and drops for a live one."""
        self.realtime = realtime
        """Deliver no faster than real time, so a file or virtual device paces like a live
        microphone (a live one already does; for it this changes nothing)."""
        self.name = "" if device is None else str(device)
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=queue_frames)
        self._muted_queue: queue.Queue[bytes] = queue.Queue(maxsize=queue_frames)
        self._muted = False
        self._dropped = 0
        self._device_overflows = 0
        self._error: MicrophoneError | None = None
        self._closing = threading.Event()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_block = 0.0
        self._started = 0.0
        self._captured = 0  # 16 kHz samples delivered so far
        self._ran_ahead = False  # the source once delivered sound from the future

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Microphone:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open and start the device; MicrophoneError if it is missing, busy or unusable."""
        sd = sounddevice_module()
        info = find_device(sd, self.device, "input")
        self.name = str(info["name"])
        rate, channels = _capture_format(sd, info, self.capture_rate)
        self.capture_rate = rate
        block = max(1, round(self.frame_samples * rate / RECOGNITION_RATE))
        try:
            stream = sd.InputStream(
                device=info["index"],
                samplerate=rate,
                channels=channels,
                dtype="int16",
                blocksize=block,
                latency="high",  # PulseAudio stalls on 100 ms blocks with low latency
            )
            stream.start()
        except sd.PortAudioError as error:
            if device_error_code(error) == DEVICE_UNAVAILABLE or "busy" in str(error).lower():
                raise MicrophoneError(
                    f"The microphone {self.name} is busy; close other programs using it, "
                    f"or choose another with --device ({DEVICES_HINT})."
                ) from error
            raise MicrophoneError(
                f"Cannot open the microphone {self.name} ({device_error_reason(error)}); "
                f"check that it is connected, or choose another with --device ({DEVICES_HINT})."
            ) from error
        self._last_block = self._started = time.monotonic()
        maker = _FrameMaker(rate, self.frame_samples)
        self._thread = threading.Thread(
            target=self._read_loop, args=(sd, stream, block, maker), name="microphone", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop capturing. Safe to call twice."""
        self._closing.set()
        if self._thread is not None:
            # The reader owns the stream and closes it; a stalled device may never return.
            self._thread.join(timeout=1.0 + 2 * self.frame_seconds)

    # -- the reader thread -----------------------------------------------------------------

    def _read_loop(self, sd: Any, stream: Any, block: int, maker: _FrameMaker) -> None:
        try:
            while not self._closing.is_set():
                data, overflowed = stream.read(block)
                self._last_block = time.monotonic()
                if overflowed:
                    self._device_overflows += 1
                    log.warning(
                        "Microphone overflow: the device dropped sound (%d so far)",
                        self._device_overflows,
                    )
                for frame in maker.push(np.asarray(data)):
                    self._deliver(frame)
                if self.realtime:
                    wait = pace_delay(self._captured, time.monotonic() - self._started)
                    if wait > 0:
                        self._closing.wait(wait)
                        self._last_block = time.monotonic()  # our pause, not a stalled device
        except sd.PortAudioError as error:
            if not self._closing.is_set():
                self._error = MicrophoneError(
                    f"Lost the microphone {self.name} ({device_error_reason(error)}); "
                    "check that it is connected."
                )
        except Exception as error:
            self._error = MicrophoneError(
                f"The microphone {self.name} failed ({type(error).__name__}: {error})."
            )
        finally:
            self._done.set()
            try:
                stream.abort(ignore_errors=True)
                stream.close(ignore_errors=True)
            except Exception:
                log.debug("closing the microphone stream failed", exc_info=True)

    def _deliver(self, frame: bytes) -> None:
        self._captured += self.frame_samples
        if not self._ran_ahead and self._ahead_of_real_time():
            self._ran_ahead = True  # once seen, it is a file or virtual device for good
        if self.throttle if self.throttle is not None else self._ran_ahead:
            self._put_holding_back(frame)
            return
        target = self._muted_queue if self._muted else self._queue
        try:
            target.put(frame, timeout=self.frame_seconds / 2)  # bounded delay for a live device
            return
        except queue.Full:
            pass
        if target is self._muted_queue:
            _put_dropping_oldest(target, frame)  # for a barge-in the newest sound matters most
            return
        self._dropped += 1
        if self._dropped == 1 or self._dropped % 50 == 0:
            log.warning(
                "Microphone queue full: dropped %d frames so far (the recogniser is slow)",
                self._dropped,
            )

    def _ahead_of_real_time(self) -> bool:
        """A live device cannot deliver sound from the future; a file or virtual one can."""
        elapsed = time.monotonic() - self._started
        return self._captured / RECOGNITION_RATE > elapsed + AHEAD_MARGIN

    def _put_holding_back(self, frame: bytes) -> None:
        """Wait for room, however long: the source is held back and nothing is lost."""
        while not self._closing.is_set():
            target = self._muted_queue if self._muted else self._queue
            try:
                target.put(frame, timeout=0.05)
                return
            except queue.Full:
                self._last_block = time.monotonic()  # we hold the device back; it is not stalled

    # -- the consumer side -----------------------------------------------------------------

    @property
    def muted(self) -> bool:
        """While True, frames go to read_muted() instead of read()."""
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        if self._muted and not value:
            _empty(self._muted_queue)  # the barge-in listener's leftovers are stale now
        self._muted = bool(value)

    @property
    def overflows(self) -> int:
        """Frames lost so far: dropped because the queue was full, or lost by the device."""
        return self._dropped + self._device_overflows

    @property
    def dropped_frames(self) -> int:
        """Frames dropped because the consumer did not keep up."""
        return self._dropped

    @property
    def device_overflows(self) -> int:
        """Blocks in which the device itself reported lost input."""
        return self._device_overflows

    def read(self, timeout: float | None = None) -> bytes | None:
        """The next frame (FRAME_SAMPLES 16 kHz mono s16le samples), or None after timeout.

        Raises MicrophoneError when the device failed or stopped sending sound.
        """
        return self._get(self._queue, timeout)

    def read_muted(self, timeout: float | None = None) -> bytes | None:
        """The next frame captured while muted (for a barge-in listener), or None after timeout."""
        return self._get(self._muted_queue, timeout)

    def frames(self, timeout: float | None = None) -> Iterator[bytes]:
        """Frames until the microphone closes, or until none arrives within timeout."""
        while True:
            frame = self.read(timeout)
            if frame is None:
                return
            yield frame

    def drain(self) -> int:
        """Throw away frames waiting in the main queue (e.g. the tail of the assistant's own
        speech); returns how many."""
        return _empty(self._queue)

    def _get(self, source: queue.Queue[bytes], timeout: float | None) -> bytes | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                return source.get_nowait()
            except queue.Empty:
                pass
            self._raise_if_broken()
            if self._done.is_set() or self._thread is None:
                return None  # closed, and nothing left to read
            remaining = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if remaining <= 0:
                return None
            try:
                return source.get(timeout=remaining)
            except queue.Empty:
                continue

    def _raise_if_broken(self) -> None:
        if self._error is not None:
            raise self._error
        if (
            self.stall_timeout is not None
            and self._thread is not None
            and not self._done.is_set()
            and time.monotonic() - self._last_block > self.stall_timeout
        ):
            raise MicrophoneError(
                f"The microphone {self.name} stopped sending sound; check that it is connected."
            )


def pace_delay(captured_samples: int, elapsed: float) -> float:
    """Seconds to wait so that captured_samples (at 16 kHz) are not ahead of elapsed time."""
    return max(0.0, captured_samples / RECOGNITION_RATE - elapsed)


def _put_dropping_oldest(target: queue.Queue[bytes], item: bytes) -> None:
    """For the barge-in queue the newest sound matters most."""
    while True:
        try:
            target.put_nowait(item)
            return
        except queue.Full:
            with contextlib.suppress(queue.Empty):
                target.get_nowait()


def _empty(source: queue.Queue[bytes]) -> int:
    count = 0
    while True:
        try:
            source.get_nowait()
        except queue.Empty:
            return count
        count += 1
