"""Sound in and out through sounddevice (PortAudio): microphone capture and stoppable playback.

Capture: a reader thread does blocking reads from a sounddevice InputStream, converts each block
to 16 kHz mono 16-bit frames and hands them over through a bounded queue. With a live device, a
frame that finds the queue still full after half a frame's time is dropped and counted (an
overflow), never fatal: the device must keep being read. A source that runs ahead of real time
(a file or a virtual device; it shows itself by delivering sound faster than real time) is held
back instead, since waiting loses nothing there; with ``realtime=True`` such a source is also
paced to the clock, like a live microphone. While the assistant speaks the microphone can be
muted: frames then go to a second queue for a barge-in listener, not to the main recogniser.

Playback: blocking writes of short blocks, checking a stop flag between blocks, so ``stop()``
from another thread cuts speech off within one block and discards what is buffered.

sounddevice is imported lazily: PortAudio reads the ALSA configuration when it starts, and the
typed-text commands should work on machines without any audio stack.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.errors import UserError
from assistant.tts import SpokenAudio
from assistant.wavio import Resampler

SAMPLE_RATE = 16000
"""Rate of the frames handed to the recogniser."""
FRAME_SAMPLES = 1600
"""Samples in one frame: 100 ms at 16 kHz."""
DEVICES_HINT = "list them with: python -m assistant devices"
AHEAD_MARGIN = 1.0
"""Seconds a source may run ahead of the clock (a live device's buffered start) and still count
as live."""
_DEVICE_UNAVAILABLE = -9985  # PortAudio's paDeviceUnavailable

log = logging.getLogger(__name__)


class MicrophoneError(UserError):
    """No microphone, a busy one, or one that stopped working."""


class PlaybackError(UserError):
    """No speaker, or one that stopped working."""


@dataclass(frozen=True)
class DeviceInfo:
    """One sound device as PortAudio sees it."""

    index: int
    """Number to pass as --device."""
    name: str
    """Name to pass as --device (a unique part of it is enough)."""
    host_api: str
    """Audio system behind it, e.g. ALSA."""
    inputs: int
    """Most input channels; 0 for a device that cannot record."""
    outputs: int
    """Most output channels; 0 for a device that cannot play."""
    default_samplerate: float
    """The device's own sample rate in Hz."""
    is_default_input: bool
    """Whether it is the system's default microphone."""
    is_default_output: bool
    """Whether it is the system's default speaker."""


_alsa_quiet: Any = None  # keeps the C callback alive for as long as the library may call it


def _quiet_alsa() -> None:
    """Stop ALSA printing its own diagnostics on stderr; failures reach us as error codes anyway.

    Device probing on an ordinary desktop prints lines such as "unable to open slave", which would
    bury the one-line messages this program promises.
    """
    global _alsa_quiet
    if _alsa_quiet is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        _alsa_quiet = False
        return
    try:
        library = ctypes.CDLL(name)
        handler_type = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        _alsa_quiet = handler_type(lambda *_args: None)
        library.snd_lib_error_set_handler(_alsa_quiet)
    except (OSError, AttributeError):
        _alsa_quiet = False


def _sounddevice() -> Any:
    """The sounddevice module; UserError when PortAudio is not installed."""
    _quiet_alsa()
    try:
        import sounddevice
    except OSError as error:
        raise UserError(
            "The PortAudio sound library is missing; run: sudo apt-get install libportaudio2"
        ) from error
    return sounddevice


def refresh_devices() -> None:
    """Re-scan the sound devices (PortAudio lists them once, when it starts).

    Call it only while no stream is open, e.g. before retrying a microphone that went away.
    """
    sd = _sounddevice()
    sd._terminate()
    sd._initialize()


def list_devices() -> list[DeviceInfo]:
    """All sound devices, with their channels and rates."""
    sd = _sounddevice()
    default_in, default_out = _default_indices(sd)
    devices = []
    for raw in sd.query_devices():
        index = int(raw["index"])
        devices.append(
            DeviceInfo(
                index=index,
                name=str(raw["name"]),
                host_api=str(sd.query_hostapis(raw["hostapi"])["name"]),
                inputs=int(raw["max_input_channels"]),
                outputs=int(raw["max_output_channels"]),
                default_samplerate=float(raw["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def _default_indices(sd: Any) -> tuple[int, int]:
    try:
        default_in, default_out = sd.default.device
    except (TypeError, ValueError):
        return -1, -1
    return _as_index(sd, default_in, "input"), _as_index(sd, default_out, "output")


def _as_index(sd: Any, value: Any, kind: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(sd.query_devices(value, kind)["index"])
    except (ValueError, sd.PortAudioError):
        return -1


def format_devices(devices: Sequence[DeviceInfo]) -> str:
    """A table for ``python -m assistant devices``; ``*`` marks the default microphone."""
    microphones = [device for device in devices if device.inputs > 0]
    lines = []
    for device in devices:
        mark = "*" if device.is_default_input else " "
        roles = []
        if device.inputs:
            roles.append(f"{device.inputs} in")
        if device.outputs:
            roles.append(f"{device.outputs} out")
        lines.append(
            f"{mark}{device.index:>3}  {device.name}  ({device.host_api}, {', '.join(roles)}, "
            f"{device.default_samplerate:.0f} Hz)"
        )
    if not microphones:
        lines.append("No microphone found; plug one in and run this again.")
    else:
        lines.append("Choose one with --device NUMBER or --device NAME; * marks the default.")
    return "\n".join(lines)


def _reason(error: BaseException) -> str:
    """PortAudio's short reason, e.g. 'Input/output error' or 'Device unavailable'."""
    args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
    if len(args) > 2 and isinstance(args[2], tuple) and len(args[2]) == 3 and args[2][2]:
        return str(args[2][2])
    text = str(args[0]) if args else str(error)
    reason = text.rsplit(": ", 1)[-1] or type(error).__name__
    # PortAudio records the host's own text only for errors in the main thread.
    return "device error" if reason == "Unanticipated host error" else reason


def _error_code(error: BaseException) -> int | None:
    args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def _parse_device(device: int | str | None) -> int | str | None:
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


def _find_device(sd: Any, device: int | str | None, kind: str) -> dict[str, Any]:
    """PortAudio's description of the chosen (or default) input or output device."""
    what = "microphone" if kind == "input" else "speaker"
    device = _parse_device(device)
    try:
        info: dict[str, Any] = sd.query_devices(device, kind)
    except ValueError as error:
        message = str(error)
        if message.startswith("Multiple"):
            raise _error_type(kind)(
                f"{device!r} matches several devices; use its number ({DEVICES_HINT})."
            ) from error
        if device is not None and "Not an" in message:
            raise _error_type(kind)(
                f"Device {device!r} is not a {what}; {DEVICES_HINT}."
            ) from error
        raise _error_type(kind)(f"No {what} matches {device!r}; {DEVICES_HINT}.") from error
    except sd.PortAudioError as error:
        if device is None:
            hint = "plug one in" if kind == "input" else "connect speakers or headphones"
            raise _error_type(kind)(
                f"No {what} found; {hint}, or choose a device with --device ({DEVICES_HINT})."
            ) from error
        raise _error_type(kind)(f"There is no {what} number {device}; {DEVICES_HINT}.") from error
    return info


def _error_type(kind: str) -> type[UserError]:
    return MicrophoneError if kind == "input" else PlaybackError


def probe_microphone(device: int | str | None = None, *, refresh: bool = False) -> DeviceInfo:
    """Check that the microphone exists; with refresh=True re-scan first (to retry after a loss)."""
    sd = _sounddevice()
    if refresh:
        refresh_devices()
    info = _find_device(sd, device, "input")
    for candidate in list_devices():
        if candidate.index == int(info["index"]):
            return candidate
    raise MicrophoneError(f"The microphone went away while checking it; {DEVICES_HINT}.")


def _capture_format(sd: Any, info: dict[str, Any], capture_rate: int | None) -> tuple[int, int]:
    """(rate, channels) the device accepts: 16 kHz mono if it can, else its own rate and layout."""
    rates = [capture_rate] if capture_rate else [SAMPLE_RATE, int(info["default_samplerate"])]
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
        self.resampler = Resampler(rate, SAMPLE_RATE) if rate != SAMPLE_RATE else None
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
        self.device = _parse_device(device)
        self.frame_samples = frame_samples
        self.frame_seconds = frame_samples / SAMPLE_RATE
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
        sd = _sounddevice()
        info = _find_device(sd, self.device, "input")
        self.name = str(info["name"])
        rate, channels = _capture_format(sd, info, self.capture_rate)
        self.capture_rate = rate
        block = max(1, round(self.frame_samples * rate / SAMPLE_RATE))
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
            if _error_code(error) == _DEVICE_UNAVAILABLE or "busy" in str(error).lower():
                raise MicrophoneError(
                    f"The microphone {self.name} is busy; close other programs using it, "
                    f"or choose another with --device ({DEVICES_HINT})."
                ) from error
            raise MicrophoneError(
                f"Cannot open the microphone {self.name} ({_reason(error)}); check that it is "
                f"connected, or choose another with --device ({DEVICES_HINT})."
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
                    f"Lost the microphone {self.name} ({_reason(error)}); "
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
        return self._captured / SAMPLE_RATE > elapsed + AHEAD_MARGIN

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
    return max(0.0, captured_samples / SAMPLE_RATE - elapsed)


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


class Player:
    """Plays SpokenAudio on a speaker; ``stop()`` from any thread cuts it off within a block."""

    def __init__(
        self,
        device: int | str | None = None,
        *,
        output_rate: int | None = None,
        block_seconds: float = 0.05,
    ) -> None:
        self.device = _parse_device(device)
        self.output_rate = output_rate
        """Rate to play at (audio is resampled to it); None = the audio's own rate if possible."""
        self.block_seconds = block_seconds
        self._stop = threading.Event()
        self._playing = threading.Event()
        self.first_block_at: float | None = None
        """perf_counter() time the last play() handed its first block to the device."""

    @property
    def playing(self) -> bool:
        """Whether play() is running."""
        return self._playing.is_set()

    def stop(self) -> None:
        """Cut the current playback short. Has no effect when nothing is playing."""
        if self._playing.is_set():
            self._stop.set()

    def play(self, audio: SpokenAudio) -> bool:
        """Play to the end and return True, or return False when stop() cut it short.

        Blocks while playing; run it in a thread to listen for a barge-in meanwhile.
        Raises PlaybackError when there is no speaker or it fails.
        """
        sd = _sounddevice()
        info = _find_device(sd, self.device, "output")
        rate = self._choose_rate(sd, info, audio.sample_rate)
        samples = _resample_int16(audio.samples, audio.sample_rate, rate)
        block = max(1, int(rate * self.block_seconds))
        self._stop.clear()
        self._playing.set()
        try:
            return self._write_all(sd, info, rate, samples, block)
        finally:
            self._playing.clear()
            self._stop.clear()

    def _write_all(
        self, sd: Any, info: dict[str, Any], rate: int, samples: npt.NDArray[np.int16], block: int
    ) -> bool:
        name = str(info["name"])
        try:
            stream = sd.OutputStream(
                device=info["index"], samplerate=rate, channels=1, dtype="int16", latency="high"
            )
            stream.start()
        except sd.PortAudioError as error:
            raise PlaybackError(
                f"Cannot open the speaker {name} ({_reason(error)}); check that it is connected."
            ) from error
        try:
            for start in range(0, len(samples), block):
                if self._stop.is_set():
                    stream.abort()  # discard what is buffered: stop means now
                    return False
                stream.write(samples[start : start + block])
                if start == 0:
                    self.first_block_at = time.perf_counter()
            if self._stop.is_set():
                stream.abort()
                return False
            stream.stop()  # let the buffered tail play out
            return True
        except sd.PortAudioError as error:
            raise PlaybackError(
                f"Lost the speaker {name} ({_reason(error)}); check that it is connected."
            ) from error
        finally:
            stream.close(ignore_errors=True)

    def _choose_rate(self, sd: Any, info: dict[str, Any], audio_rate: int) -> int:
        options = [self.output_rate] if self.output_rate else [audio_rate]
        options.append(int(info["default_samplerate"]))
        for rate in options:
            try:
                sd.check_output_settings(
                    device=info["index"], channels=1, dtype="int16", samplerate=rate
                )
            except (sd.PortAudioError, ValueError):
                continue
            return rate
        raise PlaybackError(
            f"The speaker {info['name']} cannot play 16-bit mono sound; "
            f"choose another output device ({DEVICES_HINT})."
        )


def _resample_int16(
    samples: npt.NDArray[np.int16], source_rate: int, target_rate: int
) -> npt.NDArray[np.int16]:
    if source_rate == target_rate or len(samples) == 0:
        return samples
    resampled = Resampler(source_rate, target_rate).process(samples.astype(np.float32) / 32768.0)
    clipped: npt.NDArray[np.int16] = np.clip(resampled * 32768.0, -32768, 32767).astype(np.int16)
    return clipped
