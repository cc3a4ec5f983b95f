"""Stoppable playback through sounddevice: blocking writes of short blocks, checking a stop flag
between blocks, so ``stop()`` from another thread cuts speech off within one block and discards
what is buffered.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.adapters.devices import (
    DEVICES_HINT,
    PlaybackError,
    device_error_reason,
    find_device,
    parse_device,
    sounddevice_module,
)
from assistant.adapters.sound import SpokenAudio
from assistant.adapters.wavio import Resampler


class Player:
    """Plays SpokenAudio on a speaker; ``stop()`` from any thread cuts it off within a block."""

    def __init__(
        self,
        device: int | str | None = None,
        *,
        output_rate: int | None = None,
        block_seconds: float = 0.05,
    ) -> None:
        self.device = parse_device(device)
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
        return self.play_stream([audio])

    def play_stream(self, pieces: Iterable[SpokenAudio]) -> bool:
        """Play pieces of one sound as they come (a line made sentence by sentence), like
        ``play``. The first piece sets the rate; the device opens once it has arrived."""
        self._stop.clear()
        self._playing.set()
        self.first_block_at = None
        try:
            chunks = iter(pieces)
            first = next(chunks, None)
            if first is None or self._stop.is_set():
                return not self._stop.is_set()
            sd = sounddevice_module()
            info = find_device(sd, self.device, "output")
            rate = self._choose_rate(sd, info, first.sample_rate)
            return self._write_all(sd, info, rate, itertools.chain([first], chunks))
        finally:
            self._playing.clear()
            self._stop.clear()

    def _write_all(
        self, sd: Any, info: dict[str, Any], rate: int, pieces: Iterator[SpokenAudio]
    ) -> bool:
        name = str(info["name"])
        block = max(1, int(rate * self.block_seconds))
        stream: Any = self._open(sd, info, rate)
        fresh_stream_tried = False
        try:
            for piece in pieces:
                samples = _resample_int16(piece.samples, piece.sample_rate, rate)
                for start in range(0, len(samples), block):
                    if self._stop.is_set():
                        stream.abort()  # discard what is buffered: stop means now
                        return False
                    chunk = samples[start : start + block]
                    try:
                        self._write_block(sd, stream, chunk)
                    except sd.PortAudioError as failed:
                        if fresh_stream_tried:
                            raise
                        # A stream ALSA will not start stays stuck (seen on a busy machine);
                        # a fresh one plays on. A speaker that has gone cannot be opened again.
                        fresh_stream_tried = True
                        stream.close(ignore_errors=True)
                        stream = None  # closed: a PortAudio stream must not be closed twice
                        stream = self._reopen(sd, info, rate, failed)
                        self._write_block(sd, stream, chunk)
                    if self.first_block_at is None:
                        self.first_block_at = time.perf_counter()
            if self._stop.is_set():
                stream.abort()
                return False
            stream.stop()  # let the buffered tail play out
            return True
        except sd.PortAudioError as error:
            raise PlaybackError(
                f"Lost the speaker {name} ({device_error_reason(error)}); "
                "check that it is connected."
            ) from error
        finally:
            if stream is not None:
                stream.close(ignore_errors=True)

    def _reopen(self, sd: Any, info: dict[str, Any], rate: int, failed: Exception) -> Any:
        """A fresh stream after ``failed``, or ``failed`` raised again when none opens."""
        try:
            return self._open(sd, info, rate)
        except PlaybackError:
            raise failed from None

    @staticmethod
    def _open(sd: Any, info: dict[str, Any], rate: int) -> Any:
        """A started output stream on the device, or PlaybackError."""
        try:
            stream = sd.OutputStream(
                device=info["index"], samplerate=rate, channels=1, dtype="int16", latency="high"
            )
            stream.start()
        except sd.PortAudioError as error:
            raise PlaybackError(
                f"Cannot open the speaker {info['name']} ({device_error_reason(error)}); "
                "check that it is connected."
            ) from error
        return stream

    @staticmethod
    def _write_block(sd: Any, stream: Any, block: npt.NDArray[np.int16]) -> None:
        """Write one block, trying once more after a failed write.

        ALSA can refuse to start a stream that PortAudio has just checked is ready (a race
        with an underrun on a busy machine); the next write usually starts it. A speaker that
        has really gone fails the second write too.
        """
        try:
            stream.write(block)
        except sd.PortAudioError:
            stream.write(block)

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
    resampler = Resampler(source_rate, target_rate)
    floats = samples.astype(np.float32) / 32768.0
    resampled = np.concatenate([resampler.process(floats), resampler.finish()])
    clipped: npt.NDArray[np.int16] = np.clip(resampled * 32768.0, -32768, 32767).astype(np.int16)
    return clipped
