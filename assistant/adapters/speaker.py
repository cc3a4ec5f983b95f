"""Speech out: a synthesiser and a player together, playback that can be stopped."""

from __future__ import annotations

from assistant.adapters.playback import Player
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.sound import SpokenAudio
from assistant.core.events import Say
from assistant.core.settings import Settings


class Speaker:
    """Renders lines with the user's voice settings and plays them on the default speaker."""

    def __init__(self, synthesizer: Synthesizer, player: Player | None = None) -> None:
        self.synthesizer = synthesizer
        self.player = Player() if player is None else player

    @classmethod
    def for_settings(cls, settings: Settings) -> Speaker:
        """A speaker with its own synthesiser set up from ``settings``."""
        return cls(Synthesizer(settings.rate, settings.voice, settings.volume))

    @property
    def first_block_at(self) -> float | None:
        """When the last ``play`` handed its first block to the device (perf_counter time)."""
        return self.player.first_block_at

    def render(self, say: Say) -> SpokenAudio:
        """Synthesise one line; the fixed prompts are cached, replies are not."""
        return self.synthesizer.synthesize(say.text, cache=say.kind != "reply")

    def play(self, audio: SpokenAudio) -> bool:
        """Play to the end (True) or until stopped (False); PlaybackError without a speaker."""
        return self.player.play(audio)

    def stop(self) -> None:
        """Cut the current playback short (from any thread)."""
        self.player.stop()

    def say_text(self, text: str) -> None:
        """Speak one text and wait until it is done (where nobody can barge in)."""
        self.player.play(self.synthesizer.synthesize(text))
