"""Words to sound: pyttsx3 driving espeak-ng, rendered to samples in memory for our own playback.

pyttsx3 2.99's espeak driver has traps that this module works around (see the installed
``pyttsx3/drivers/espeak.py``):

- espeak runs asynchronously (``AUDIO_OUTPUT_RETRIEVAL`` mode: its own thread fills a buffer and
  calls back), so ``runAndWait`` can return before the audio exists. We wait for the
  ``finished-utterance`` event, which the driver sends only after the audio is written out.
- ``runAndWait`` stops the engine when it ends its loop, and that ``espeak_Cancel`` drops any
  espeak command still queued, such as a rate change. So we wait until espeak is idle before and
  after changing a property; otherwise rate changes are lost at random and an utterance can even
  come out empty.
- ``save_to_file`` never clears the target, so a later ``say`` writes to the old file. We never
  call ``say``: every utterance is rendered through ``save_to_file`` into a fresh in-memory buffer
  (the driver hands the target straight to ``wave.open``), so no audio touches the disk unless
  ``save_wav`` is asked for.
- The engine is cached in a weak dictionary and its finaliser unhooks espeak's callback, so a
  second engine made after the first is collected can end up deaf. One engine is created per
  process, kept alive here, and guarded by a lock.
- The driver prints "Audio saved to ..." on stdout, which would corrupt JSON output; that one
  line is filtered out.
"""

from __future__ import annotations

import io
import sys
import threading
import time
import wave
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from assistant.adapters.installation import command
from assistant.adapters.sound import SPEECH_RATE, SpokenAudio, make_audio
from assistant.adapters.wavio import write_private_wav
from assistant.core.errors import UserError
from assistant.core.settings import RATE_MAX, RATE_MIN, VOLUME_MAX, VOLUME_MIN, Settings

DEFAULT_RATE = 175
CACHE_SIZE = 32
"""How many synthesised prompts to keep in memory."""

INSTALL_HINT = "sudo apt-get install espeak-ng"
_DRIVER_NOTICE = "Audio saved to "


@dataclass(frozen=True)
class VoiceInfo:
    """One voice the speech engine offers."""

    id: str
    """Identifier to pass as the voice setting, e.g. ``gmw/en-us``."""
    name: str
    """Readable name, e.g. ``English (America)``."""
    languages: tuple[str, ...]
    """Language codes the voice speaks, e.g. ``("en-us",)``."""
    gender: str | None
    """``Male``, ``Female`` or None when the engine does not say."""


class _Engine:
    """The one pyttsx3 engine of the process and the events it reports."""

    def __init__(self, engine: Any, espeak: Any) -> None:
        self.engine = engine
        self.espeak = espeak  # pyttsx3's ctypes binding, to ask whether espeak is idle
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.completed = False
        self.errors: list[BaseException] = []
        self.default_voice: str | None = engine.getProperty("voice")
        self.voice = self.default_voice
        engine.connect("finished-utterance", self._on_finished)
        engine.connect("error", self._on_error)
        with _quiet_driver():
            # An empty run clears the proxy's initial "busy" state, so later property changes
            # reach espeak at once instead of waiting in pyttsx3's queue.
            engine.runAndWait()

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        self.completed = bool(completed)
        self.finished.set()

    def _on_error(self, name: object = None, exception: BaseException | None = None) -> None:
        self.errors.append(exception or RuntimeError("speech engine error"))

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Block until espeak has no command running (queued settings applied)."""
        deadline = time.monotonic() + timeout
        while self.espeak.IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.002)

    def render(self, text: str, voice: str | None, rate: int, volume: float) -> SpokenAudio:
        """Synthesise one utterance; the caller holds the lock."""
        self.wait_idle()
        self.errors.clear()
        voice = voice or self.default_voice
        if voice is not None and voice != self.voice:
            self.engine.setProperty("voice", voice)  # applied synchronously by espeak
            if self.errors:
                self.voice = None
                raise UserError(
                    f"The speech engine cannot use the voice {voice!r}; "
                    f"pick one from: {command('voices')}"
                )
            self.voice = voice
        self.engine.setProperty("rate", rate)
        self.engine.setProperty("volume", volume)
        self.wait_idle()  # see the module docstring: a queued rate change would be cancelled
        for _attempt in range(2):
            audio = self._render_once(text)
            if audio is not None:
                return audio
        raise UserError(
            "The speech engine did not finish speaking; check espeak-ng with: espeak-ng hello"
        )

    def _render_once(self, text: str) -> SpokenAudio | None:
        buffer = io.BytesIO()
        self.finished.clear()
        self.completed = False
        with _quiet_driver():
            self.engine.save_to_file(text, buffer)
            self.engine.runAndWait()
            # Generous: espeak renders about fifty times faster than it speaks.
            finished = self.finished.wait(timeout=10.0 + 0.05 * len(text))
        if not finished or not self.completed:
            self.wait_idle()
            return None
        buffer.seek(0)
        with wave.open(buffer, "rb") as wav:
            rate = wav.getframerate()
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        return make_audio(samples.astype(np.int16), rate)


_engine: _Engine | None = None
_engine_guard = threading.Lock()


def _get_engine() -> _Engine:
    """Create the process's engine on first use; UserError if espeak-ng is missing."""
    global _engine
    with _engine_guard:
        if _engine is None:
            _engine = _create_engine()
        return _engine


def _create_engine() -> _Engine:
    try:
        import pyttsx3
    except ImportError as error:
        raise UserError(
            "The Python package pyttsx3 is missing; reinstall the assistant with: pip install -e ."
        ) from error
    try:
        engine = pyttsx3.init("espeak")
        from pyttsx3.drivers import _espeak
    except (RuntimeError, OSError, ImportError, AttributeError) as error:
        # pyttsx3 raises RuntimeError when it cannot load libespeak-ng or start espeak.
        raise UserError(f"The speech engine espeak-ng is not installed; run: {INSTALL_HINT}") from (
            error
        )
    return _Engine(engine, _espeak)


class _DropDriverNotice(io.TextIOBase):
    """A stdout stand-in that swallows the driver's "Audio saved to ..." line, passing the rest.

    Filtering by content rather than swapping stdout for a dummy keeps other threads' output.
    """

    def __init__(self, target: TextIO) -> None:
        self.target = target
        self.skip_newline = threading.local()

    def write(self, text: str) -> int:
        if text.startswith(_DRIVER_NOTICE):
            self.skip_newline.active = True  # print() sends the newline as a second write
            return len(text)
        if text == "\n" and getattr(self.skip_newline, "active", False):
            self.skip_newline.active = False
            return len(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()


@contextmanager
def _quiet_driver() -> Iterator[None]:
    original = sys.stdout
    sys.stdout = _DropDriverNotice(original)
    try:
        yield
    finally:
        sys.stdout = original


def list_voices() -> list[VoiceInfo]:
    """The voices espeak-ng offers, in the engine's order."""
    engine = _get_engine()
    with engine.lock:
        raw = engine.engine.getProperty("voices")
    return [
        VoiceInfo(
            id=str(voice.id),
            name=str(voice.name),
            languages=tuple(str(code) for code in (voice.languages or ())),
            gender=voice.gender,
        )
        for voice in raw
    ]


def find_voice(query: str, voices: list[VoiceInfo] | None = None) -> VoiceInfo:
    """Resolve a voice by id (``gmw/en-us``), name (``English (America)``) or language (``en-us``).

    Raises UserError naming the command that lists the voices when nothing matches.
    """
    wanted = query.strip().casefold()
    voices = list_voices() if voices is None else voices
    for matches in (
        lambda v: v.id.casefold() == wanted,
        lambda v: v.name.casefold() == wanted,
        lambda v: wanted in (code.casefold() for code in v.languages),
        lambda v: v.id.casefold().rsplit("/", 1)[-1] == wanted,
    ):
        for voice in voices:
            if matches(voice):
                return voice
    raise UserError(f"There is no voice called {query!r}; list them with: {command('voices')}")


def format_voices(voices: list[VoiceInfo]) -> str:
    """One line per voice for ``python -m assistant voices``."""
    if not voices:
        return f"No voices found; reinstall espeak-ng with: {INSTALL_HINT}"
    width = max(len(voice.id) for voice in voices)
    lines = []
    for voice in voices:
        languages = ", ".join(voice.languages)
        lines.append(f"{voice.id:<{width}}  {voice.name} ({languages})")
    return "\n".join(lines)


def _check_rate(rate: int) -> int:
    if not RATE_MIN <= int(rate) <= RATE_MAX:
        raise UserError(f"Speech rate {rate} is out of range; use {RATE_MIN} to {RATE_MAX}.")
    return int(rate)


def _check_volume(volume: float) -> float:
    if not VOLUME_MIN <= float(volume) <= VOLUME_MAX:
        raise UserError(f"Volume {volume} is out of range; use {VOLUME_MIN} to {VOLUME_MAX}.")
    return float(volume)


class Synthesizer:
    """Turns reply text into SpokenAudio with the user's rate, voice and volume."""

    def __init__(
        self, rate: int = DEFAULT_RATE, voice: str | None = None, volume: float = 1.0
    ) -> None:
        self._engine = _get_engine()  # fail early and clearly when espeak-ng is missing
        self.rate = _check_rate(rate)
        self.voice: str | None = None
        self.volume = _check_volume(volume)
        self._cache: OrderedDict[tuple[str, int, str | None, float], SpokenAudio] = OrderedDict()
        self.set_voice(voice)

    def set_rate(self, rate: int) -> None:
        """Words a minute, from RATE_MIN to RATE_MAX."""
        self.rate = _check_rate(rate)

    def set_volume(self, volume: float) -> None:
        """From 0.0 (silent) to 1.0 (the engine's full volume)."""
        self.volume = _check_volume(volume)

    def follow(self, settings: Settings) -> None:
        """Take on the rate and volume of ``settings`` (the voice is chosen once, at start)."""
        self.set_rate(settings.rate)
        self.set_volume(settings.volume)

    def set_voice(self, voice: str | None) -> None:
        """A voice id, name or language code; None for the engine's default voice."""
        self.voice = None if voice is None else find_voice(voice).id

    def synthesize(self, text: str, *, cache: bool = False) -> SpokenAudio:
        """Render text to audio; with cache=True, reuse an earlier rendering of the same prompt."""
        key = (text, self.rate, self.voice, self.volume)
        if cache and key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        if not text.strip():
            audio = make_audio(np.zeros(0, dtype=np.int16), SPEECH_RATE)
        else:
            with self._engine.lock:
                audio = self._engine.render(text, self.voice, self.rate, self.volume)
        if cache:
            self._cache[key] = audio
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return audio

    def stream(self, text: str, *, cache: bool = False) -> Iterator[SpokenAudio]:
        """The sound of ``text`` in pieces as they are made: espeak-ng renders a line about
        fifty times faster than it speaks, so in one piece."""
        yield self.synthesize(text, cache=cache)

    def save_wav(self, text: str, path: Path) -> SpokenAudio:
        """Render text and write it to a WAV file (for --save-replies); returns the audio."""
        audio = self.synthesize(text)
        write_private_wav(audio, path)
        return audio
