"""One executor of the dialogue's outputs, for the voice and the typed conversation alike.

The dialogue (:mod:`assistant.core.dialogue`) says what to do; this carries it out in order with
a :class:`Mouth` (speech, tones) and :class:`Ears` (the next utterance) that each driver provides.
Every output type is handled in one ``match`` that mypy checks is exhaustive, so a new kind of
output cannot be forgotten by one of the drivers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO, assert_never

from assistant.adapters.settings_file import save_settings
from assistant.adapters.speaker import Renderer
from assistant.app.timing import TurnTimer
from assistant.core.controls import Control
from assistant.core.dialogue import Dialogue
from assistant.core.errors import UserError
from assistant.core.events import (
    EarconName,
    Event,
    Exit,
    Expect,
    Failure,
    Heard,
    Listen,
    Output,
    PlayEarcon,
    SaveSettings,
    Say,
    SetRate,
    SetVolume,
    Start,
    StopSpeaking,
)
from assistant.core.settings import Settings

log = logging.getLogger(__name__)

INTERNAL_FAULT = "Something went wrong on my side. Please say that again."
GAVE_UP_EXIT_CODE = 1
"""Exit code when the conversation ends because faults kept happening (not bad input: 2)."""


class Mouth(Protocol):
    """How a driver speaks: lines, tones, and what went wrong while speaking."""

    def speak(self, say: Say) -> bool:
        """Say one line aloud (or not, when muted); False when the person stopped it."""
        ...

    def play_earcon(self, name: EarconName) -> None:
        """Play one of the two tones (nothing where there is no microphone)."""
        ...

    def pending_failure(self) -> Failure | None:
        """Something that went wrong while speaking, to be told before listening again."""
        ...

    def follow(self, settings: Settings) -> None:
        """Speak from now on at the rate and volume of ``settings``."""
        ...


class Ears(Protocol):
    """How a driver hears the person."""

    def listen(self, expect: Expect, timeout: float | None) -> Event | None:
        """The next event from the person; None when there will be no more (input ended)."""
        ...


class ReplySaver:
    """Writes every spoken line to DIR/NNN-kind.wav with the conversation's voice settings."""

    def __init__(self, folder: Path, synthesizer: Renderer) -> None:
        try:
            # Replies repeat the person's words: health information, for the owner's eyes only.
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise UserError(
                f"Cannot create the folder {folder} for saved replies ({reason}); "
                "choose a folder you can write to."
            ) from None
        self.folder = folder
        self.synthesizer = synthesizer
        self.count = 0

    def follow(self, settings: Settings) -> None:
        """Save from now on at the rate and volume of ``settings``."""
        self.synthesizer.follow(settings)

    def save(self, say: Say) -> Path:
        """Write one line; returns the file written."""
        self.count += 1
        path = self.folder / f"{self.count:03d}-{say.kind}.wav"
        self.synthesizer.save_wav(say.text, path)
        return path


@dataclass
class Executor:
    """Holds one conversation: feeds the dialogue its events and carries out what it says."""

    dialogue: Dialogue
    """The pure conversation logic."""
    mouth: Mouth
    """Speech and tones."""
    ears: Ears
    """The person's next utterance."""
    captions: TextIO
    """Where every line is printed, spoken or not."""
    saver: ReplySaver | None = None
    """Writes each spoken line to a WAV file (--save-replies)."""
    warnings: TextIO | None = None
    """Where warnings are printed; None: they are said like any other line."""
    save: Callable[[Settings], None] = save_settings
    """Keeps changed settings for next time."""
    timer: TurnTimer | None = None
    """Marks where each turn's time goes (the latency benchmark)."""

    def run(self) -> int:
        """Hold the conversation until it ends; returns the exit code."""
        event: Event = Start()
        while True:
            try:
                started = time.perf_counter()
                outputs = self.dialogue.handle(event)
                if self.timer is not None:
                    now = time.perf_counter()
                    self.timer.decided(now - started, now)
                next_event = self.carry_out(outputs)
            except UserError:
                raise
            except Exception as error:
                # An engine fault mid-turn must not end the conversation: the dialogue
                # apologises, and gives up cleanly only if it keeps happening.
                log_fault("A turn failed", error)
                next_event = Failure(INTERNAL_FAULT)
            if next_event is None:
                # Ended on a fault (the dialogue gave up after repeated failures) is not a
                # success, whatever the apology said.
                return GAVE_UP_EXIT_CODE if isinstance(event, Failure) else 0
            event = next_event

    def carry_out(self, outputs: Sequence[Output]) -> Event | None:
        """Do what the dialogue asked, in order; the next event, or None once it is over."""
        for output in outputs:
            match output:
                case Say():
                    if not self.say(output):
                        # The person said "stop": the rest of this turn is dropped, and the
                        # dialogue hears the stop like any other (caption, then listening).
                        return Heard(Control.STOP.value)
                case PlayEarcon(name=name):
                    self.mouth.play_earcon(name)
                case SetRate() | SetVolume():
                    self.mouth.follow(self.dialogue.settings)
                    if self.saver is not None:
                        self.saver.follow(self.dialogue.settings)
                case SaveSettings(settings=changed):
                    self._save(changed)
                case StopSpeaking():
                    pass  # speaking is synchronous: a barge-in has already cut it short
                case Listen(expect=expect, timeout=timeout):
                    failure = self.mouth.pending_failure()
                    return failure if failure is not None else self.ears.listen(expect, timeout)
                case Exit():
                    return None
                case _:
                    assert_never(output)
        return None

    def say(self, say: Say) -> bool:
        """Caption every line; save and speak the spoken ones. False when the person stopped
        it."""
        print(say.text, file=self.captions, flush=True)
        if not say.spoken:
            return True
        if self.saver is not None:
            self.saver.save(say)
        return self.mouth.speak(say)

    def _save(self, settings: Settings) -> None:
        try:
            self.save(settings)
        except UserError as error:
            # Not worth ending the conversation for: the change still holds for now.
            if self.warnings is not None:
                print(f"Warning: {error.message}", file=self.warnings, flush=True)
            else:
                self.say(Say(error.message, "error"))


def log_fault(what: str, error: Exception) -> None:
    """One line on stderr for a fault the conversation recovers from; the traceback only when
    debug logging is on (the person is told in words, and a traceback is not for them)."""
    log.warning("%s (%s: %s)", what, type(error).__name__, error,
                exc_info=log.isEnabledFor(logging.DEBUG))  # fmt: skip
