"""`listen --text`: the hands-free conversation driven by typed (or piped) lines.

Each non-blank input line is one utterance. Every line the assistant says is printed as a
caption; it is also spoken unless muted, and saved as a WAV file when asked. Settings the person
changes ("slower", "sounds off") are saved as in the spoken conversation. There is no microphone
here, so there are no tones and no timeouts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.dialogue import (
    AdviseFn,
    Dialogue,
    Exit,
    Heard,
    Output,
    SaveSettings,
    Say,
    SetRate,
    SetVolume,
    Start,
)
from assistant.errors import UserError
from assistant.settings import Settings, save_settings

if TYPE_CHECKING:
    from assistant.tts import Synthesizer


class ReplySaver:
    """Writes every spoken line to DIR/NNN-kind.wav with the current voice settings."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        from assistant.tts import Synthesizer  # only when asked: it starts the speech engine

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
        self.synthesizer: Synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
        self.count = 0

    def save(self, say: Say) -> Path:
        """Write one line; returns the file written."""
        self.count += 1
        path = self.folder / f"{self.count:03d}-{say.kind}.wav"
        self.synthesizer.save_wav(say.text, path)
        return path

    def update(self, settings: Settings) -> None:
        """Follow a change of rate or volume."""
        self.synthesizer.set_rate(settings.rate)
        self.synthesizer.set_volume(settings.volume)


def run_text(
    lines: Iterable[str],
    out: TextIO,
    settings: Settings,
    speak: Callable[[str], None] | None,
    save_replies: Path | None,
    *,
    settings_path: Path | None = None,
    err: TextIO | None = None,
    voice_changed: Callable[[Settings], None] | None = None,
    advise: AdviseFn | None = None,
) -> int:
    """Hold the conversation over `lines`; returns the exit code (0 on goodbye or end of input).

    speak: says one line aloud (None when muted). voice_changed: told the new settings after
    "slower", "louder" and the like, so the caller's synthesiser can follow. settings_path:
    where changed settings are saved (default: the user's settings file). advise: the advice
    function, for callers that hold a preloaded one (default: assistant.advice.advise).
    """
    err = sys.stderr if err is None else err
    saver = ReplySaver(save_replies, settings) if save_replies is not None else None
    dialogue = Dialogue(settings, advise)

    def carry_out(outputs: list[Output]) -> bool:
        """Do what the dialogue asked; False once it has said goodbye."""
        for output in outputs:
            match output:
                case Say():
                    print(output.text, file=out, flush=True)
                    if output.spoken and speak is not None:
                        speak(output.text)
                    if output.spoken and saver is not None:
                        saver.save(output)
                case SetRate() | SetVolume():
                    if saver is not None:
                        saver.update(dialogue.settings)
                    if voice_changed is not None:
                        voice_changed(dialogue.settings)
                case SaveSettings(settings=changed):
                    try:
                        save_settings(changed, settings_path)
                    except UserError as error:
                        # Not worth ending the conversation for: the change still holds now.
                        print(f"Warning: {error.message}", file=err, flush=True)
                case Exit():
                    return False
                case _:
                    pass  # tones, listening and stopping mean nothing without a microphone
        return True

    if not carry_out(dialogue.handle(Start())):
        return 0
    for line in lines:
        text = line.strip()
        if text and not carry_out(dialogue.handle(Heard(text))):
            break
    return 0
