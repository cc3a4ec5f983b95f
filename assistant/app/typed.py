"""`listen --text`: the hands-free conversation driven by typed (or piped) lines.

Each non-blank input line is one utterance. Every line the assistant says is printed as a
caption; it is also spoken unless muted, and saved as a WAV file when asked. Settings the person
changes ("slower", "sounds off") are saved as in the spoken conversation. There is no microphone
here, so there are no tones, no timeouts and no barge-in.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from assistant.adapters.settings_file import save_settings
from assistant.app.executor import Executor, ReplySaver
from assistant.app.ports import Speaker
from assistant.app.speech import open_output
from assistant.core.dialogue import AdviseFn, Dialogue
from assistant.core.errors import UserError
from assistant.core.events import EarconName, Event, Expect, Failure, Heard, Say
from assistant.core.settings import Settings


@dataclass
class TypedMouth:
    """Speaks each line and waits for it to end; without a working speaker, captions only."""

    speaker: Speaker | None
    """Speech out, or None when muted."""
    warnings: TextIO
    """Where the one note about a missing speaker goes."""

    def speak(self, say: Say) -> bool:
        if self.speaker is None:
            return True
        try:
            self.speaker.speak(say)
        except UserError as error:
            self.speaker = None
            print(f"Warning: {error.message} Continuing with captions only.", file=self.warnings)
        return True

    def play_earcon(self, name: EarconName) -> None:
        """No microphone, so no tones telling when it listens."""

    def pending_failure(self) -> Failure | None:
        return None

    def follow(self, settings: Settings) -> None:
        if self.speaker is not None:
            self.speaker.follow(settings)


@dataclass
class TypedEars:
    """Each non-blank line is one utterance; the conversation ends with the input."""

    lines: Iterator[str]
    """The person's lines, as typed or piped."""

    def listen(self, expect: Expect, timeout: float | None) -> Event | None:
        for line in self.lines:
            text = line.strip()
            if text:
                return Heard(text)
        return None


def run_text(
    lines: Iterable[str],
    out: TextIO,
    settings: Settings,
    *,
    speak: bool = False,
    save_replies: Path | None = None,
    settings_path: Path | None = None,
    err: TextIO | None = None,
    advise: AdviseFn | None = None,
    speech: str | None = None,
) -> int:
    """Hold the conversation over ``lines``; returns the exit code (0 on goodbye or end of input).

    speak: also say every line aloud. save_replies: a folder for a WAV file of each spoken line.
    settings_path: where changed settings are saved (default: the user's settings file).
    advise: the advice function, for callers that hold a preloaded one.
    speech: the speech output, instead of the one in the settings.
    """
    err = sys.stderr if err is None else err
    output = open_output(speech, settings, speaking=speak, saving=save_replies is not None)
    for notice in output.notices:  # printed, not said: this conversation is typed
        print(f"{'Note' if notice.kind == 'help' else 'Warning'}: {notice.text}", file=err)
    saver = (
        ReplySaver(save_replies, output.renderer)
        if save_replies is not None and output.renderer is not None
        else None
    )
    executor = Executor(
        dialogue=Dialogue(settings, advise),
        mouth=TypedMouth(output.speaker, err),
        ears=TypedEars(iter(lines)),
        captions=out,
        saver=saver,
        warnings=err,
        save=lambda changed: save_settings(changed, settings_path),
    )
    return executor.run()
