"""Read WAV files of any usual format as a stream of 16 kHz mono 16-bit chunks; write the
assistant's own speech as a private WAV file.

Python's `wave` module refuses 32-bit float and WAVE_FORMAT_EXTENSIBLE files, which ordinary
recorders write, so the RIFF header is read here. The data is streamed in chunks, so an hour
of audio never sits in memory at once.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import soxr

from assistant.adapters.sound import RECOGNITION_RATE, SpokenAudio
from assistant.core.errors import UserError

CHUNK_SECONDS = 0.5
_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE
_CONVERT_HINT = "convert it with: sox FILE -r 16000 -c 1 -b 16 out.wav"


@dataclass(frozen=True)
class WavFormat:
    """What the header says about the samples."""

    encoding: int
    """1 for integer PCM, 3 for IEEE float."""
    channels: int
    """Interleaved channel count."""
    sample_rate: int
    """Frames per second."""
    sample_width: int
    """Bytes per sample of one channel."""
    data_offset: int
    """Byte offset of the first sample."""
    data_size: int
    """Bytes of sample data actually present (a truncated file yields what is there)."""

    @property
    def frame_size(self) -> int:
        """Bytes per frame (one sample of every channel)."""
        return self.channels * self.sample_width

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.data_size // self.frame_size / self.sample_rate


def read_format(path: Path) -> WavFormat:
    """Check the file and read its header; one clear UserError for anything unusable."""
    _check_readable(path)
    with path.open("rb") as file:
        riff = file.read(12)
        if len(riff) == 0:
            raise UserError(f"{path} is empty; record or choose a WAV file that holds audio.")
        if len(riff) < 12 or riff[0:4] != b"RIFF" or riff[8:12] != b"WAVE":
            raise UserError(f"{path} is not a WAV file; {_CONVERT_HINT}")
        return _read_chunks(path, file)


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path} does not exist; check the file name.")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a WAV file; give the path of a .wav file.")
    if not path.is_file():
        # A pipe or device cannot be read twice (header, then audio) nor measured.
        raise UserError(f"{path} is a pipe or device, not a file; save the audio as a .wav first.")
    try:
        path.open("rb").close()
    except OSError as error:
        raise UserError(
            f"{path} cannot be read ({error.strerror}); check its permissions."
        ) from error


def _read_chunks(path: Path, file: BinaryIO) -> WavFormat:
    file_size = path.stat().st_size
    fmt: tuple[int, int, int, int] | None = None
    while header := file.read(8):
        if len(header) < 8:
            break
        chunk_id, chunk_size = struct.unpack("<4sI", header)
        if chunk_id == b"fmt ":
            fmt = _parse_fmt(path, file.read(chunk_size))
        elif chunk_id == b"data":
            if fmt is None:
                raise UserError(f"{path} has no format header before its audio; {_CONVERT_HINT}")
            encoding, channels, rate, width = fmt
            offset = file.tell()
            # Streaming writers leave the size at 0 or 0xFFFFFFFF; trust the file's real length.
            available = file_size - offset
            size = available if chunk_size in (0, 0xFFFFFFFF) else min(chunk_size, available)
            wav = WavFormat(encoding, channels, rate, width, offset, size)
            if size // wav.frame_size == 0:
                raise UserError(f"{path} holds no audio, only a header; record it again.")
            return wav
        else:
            file.seek(chunk_size + (chunk_size & 1), 1)  # chunks are padded to even sizes
        if chunk_id == b"fmt " and chunk_size & 1:
            file.seek(1, 1)
    if fmt is None:
        raise UserError(f"{path} is not a complete WAV file (no format header); {_CONVERT_HINT}")
    raise UserError(f"{path} holds no audio, only a header; record it again.")


def _parse_fmt(path: Path, body: bytes) -> tuple[int, int, int, int]:
    if len(body) < 16:
        raise UserError(f"{path} has a damaged format header; {_CONVERT_HINT}")
    encoding, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
    if encoding == _EXTENSIBLE and len(body) >= 26:
        encoding = struct.unpack("<H", body[24:26])[0]  # first two bytes of the sub-format GUID
    width = (bits + 7) // 8
    supported = (encoding == _PCM and width in (1, 2, 3, 4)) or (
        encoding == _FLOAT and width in (4, 8)
    )
    if not supported:
        raise UserError(
            f"{path} uses a WAV encoding this program cannot read (format {encoding}, {bits} bit); "
            f"{_CONVERT_HINT}"
        )
    if channels < 1 or rate < 1000:
        raise UserError(f"{path} has an impossible format ({channels} channels at {rate} Hz).")
    return encoding, channels, rate, width


def to_float(raw: bytes, wav: WavFormat) -> npt.NDArray[np.float32]:
    """Decode interleaved samples to float32 in [-1, 1], mixed down to mono."""
    width = wav.sample_width
    if wav.encoding == _FLOAT:
        samples = np.frombuffer(raw, dtype="<f4" if width == 4 else "<f8").astype(np.float32)
    elif width == 1:  # 8-bit WAV is unsigned
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:
        bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        samples = value.astype(np.float32) / float(1 << 23)
    else:
        dtype = "<i2" if width == 2 else "<i4"
        samples = np.frombuffer(raw, dtype=dtype).astype(np.float32) / float(1 << (8 * width - 1))
    mono: npt.NDArray[np.float32] = samples.reshape(-1, wav.channels).mean(axis=1, dtype=np.float32)
    return mono


def to_int16_bytes(samples: npt.NDArray[np.float32]) -> bytes:
    """Float samples to little-endian 16-bit PCM bytes, clipped rather than wrapped."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


class Resampler:
    """Streaming sample-rate conversion by libsoxr (python-soxr, high quality).

    State carries across chunks, so chunk boundaries leave no clicks or gaps, and nothing above
    the lower rate's Nyquist frequency survives (no aliasing going down, no mirror image going
    up). The filter delays the output by a few milliseconds: :meth:`finish` gives the tail.
    """

    def __init__(self, source_rate: int, target_rate: int = RECOGNITION_RATE) -> None:
        self._stream = (
            None
            if source_rate == target_rate
            else soxr.ResampleStream(source_rate, target_rate, 1, dtype="float32", quality="HQ")
        )

    def process(self, samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Resample one chunk of mono float samples; returns the output it completes."""
        if self._stream is None:
            return samples
        out: npt.NDArray[np.float32] = self._stream.resample_chunk(samples)
        return out

    def finish(self) -> npt.NDArray[np.float32]:
        """The output still held back by the filter, once the input has ended."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        out: npt.NDArray[np.float32] = self._stream.resample_chunk(
            np.zeros(0, dtype=np.float32), last=True
        )
        return out


def read_16k_mono(path: Path, chunk_seconds: float = CHUNK_SECONDS) -> Iterator[bytes]:
    """Yield the file as 16 kHz mono 16-bit PCM chunks, however it was recorded."""
    wav = read_format(path)
    frames_per_chunk = max(1, int(wav.sample_rate * chunk_seconds))
    resampler = Resampler(wav.sample_rate)
    remaining = wav.data_size - wav.data_size % wav.frame_size  # drop a torn last frame
    with path.open("rb") as file:
        file.seek(wav.data_offset)
        while remaining > 0:
            raw = file.read(min(remaining, frames_per_chunk * wav.frame_size))
            if not raw:
                break
            remaining -= len(raw)
            raw = raw[: len(raw) - len(raw) % wav.frame_size]
            converted = resampler.process(to_float(raw, wav))
            if len(converted):
                yield to_int16_bytes(converted)
    tail = resampler.finish()
    if len(tail):
        yield to_int16_bytes(tail)


def write_private_wav(audio: SpokenAudio, path: Path) -> None:
    """Write speech to a WAV file readable by the owner only; UserError if it cannot be."""
    try:
        # Owner only: a reply repeats what the person said about their health.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(audio.wav_bytes())
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UserError(
            f"Cannot write {path} ({reason}); choose a folder you can write to."
        ) from error
