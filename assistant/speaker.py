"""Speech out: the user's voice settings, synthesis, and playback that can be stopped."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from assistant.errors import UserError
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.audio import Player
    from assistant.dialogue import Say
    from assistant.tts import SpokenAudio, Synthesizer


class Speaker:
    """Speech out: synthesis plus stoppable playback, following the user's settings."""

    def __init__(self, settings: Settings) -> None:
        from assistant.audio import Player
        from assistant.tts import Synthesizer

        self.synthesizer: Synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
        self.player: Player = Player()
        self.silenced = False
        """Set once playback failed; say_text then stays quiet."""

    def follow(self, settings: Settings) -> None:
        """Take on a new rate or volume."""
        self.synthesizer.set_rate(settings.rate)
        self.synthesizer.set_volume(settings.volume)

    def render(self, say: Say) -> SpokenAudio:
        """Synthesise one line; the fixed prompts are cached, replies are not."""
        return self.synthesizer.synthesize(say.text, cache=say.kind != "reply")

    def say_text(self, text: str) -> None:
        """Speak and wait until done (used where there is no microphone to barge in).

        Without a working speaker the captions carry on alone: the reason is printed once.
        """
        if self.silenced:
            return
        try:
            self.player.play(self.synthesizer.synthesize(text))
        except UserError as error:
            self.silenced = True
            print(f"Warning: {error.message} Continuing with captions only.", file=sys.stderr)
