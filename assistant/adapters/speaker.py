"""Speech out through our own playback: a synthesiser (pyttsx3's or the natural voice) and a
player, with a line made piece by piece while the pieces before it play, and stopped at once.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from assistant.adapters.playback import Player
from assistant.adapters.sound import Spoken, SpokenAudio
from assistant.core.events import Say
from assistant.core.settings import Settings


class Renderer(Protocol):
    """A synthesiser that hands the sound back: pyttsx3's, or the natural voice."""

    def stream(self, text: str, *, cache: bool = False) -> Iterator[SpokenAudio]:
        """The sound of ``text`` in pieces (sentences), each as soon as it is made."""
        ...

    def synthesize(self, text: str, *, cache: bool = False) -> SpokenAudio:
        """The whole sound of ``text``."""
        ...

    def follow(self, settings: Settings) -> None:
        """Take on the rate and volume of ``settings``."""
        ...

    def save_wav(self, text: str, path: Path) -> SpokenAudio:
        """Render ``text`` into a private WAV file (for --save-replies)."""
        ...


_DONE = object()
"""Ends the queue of pieces made ahead."""


class AudioSpeaker:
    """Says lines with a synthesiser on the default speaker (or ``player``'s device)."""

    def __init__(self, synthesizer: Renderer, player: Player | None = None) -> None:
        self.synthesizer = synthesizer
        self.player = Player() if player is None else player
        self._stopped = threading.Event()

    def speak(self, say: Say) -> Spoken:
        """Say one line, blocking until it has been played or stopped. The next sentence is
        made while the one before plays, so the first sound waits for one sentence only."""
        self._stopped.clear()
        started = time.perf_counter()
        first_piece: list[float] = []

        def timed() -> Iterator[SpokenAudio]:
            for piece in self._made_ahead(say):
                if not first_piece:
                    first_piece.append(time.perf_counter() - started)
                yield piece

        finished = self.player.play_stream(timed()) and not self._stopped.is_set()
        synthesis = first_piece[0] if first_piece else time.perf_counter() - started
        return Spoken(finished, synthesis, self.player.first_block_at)

    def play(self, audio: SpokenAudio) -> bool:
        """Play a tone to the end (True) or until stopped (False)."""
        self._stopped.clear()
        return self.player.play(audio)

    @property
    def first_block_at(self) -> float | None:
        """When the last tone (or line) handed its first block to the device."""
        return self.player.first_block_at

    def stop(self) -> None:
        """Cut the current line or tone short, from any thread."""
        self._stopped.set()
        self.player.stop()

    def follow(self, settings: Settings) -> None:
        """Speak from the next line on at the rate and volume of ``settings``."""
        self.synthesizer.follow(settings)

    def _made_ahead(self, say: Say) -> Iterator[SpokenAudio]:
        """The line's pieces, made in a thread of their own so that making the next one
        overlaps playing this one. The fixed prompts are cached, replies are not."""
        pieces: queue.Queue[object] = queue.Queue()

        def make() -> None:
            try:
                for piece in self.synthesizer.stream(say.text, cache=say.kind != "reply"):
                    pieces.put(piece)
                    if self._stopped.is_set():
                        break
            except BaseException as error:  # handed to the player's thread, raised there
                pieces.put(error)
            finally:
                pieces.put(_DONE)

        threading.Thread(target=make, name="synthesis", daemon=True).start()
        while (item := pieces.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, SpokenAudio)
            yield item
