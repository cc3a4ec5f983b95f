"""Where the time of one turn goes, recorded only when asked (the latency benchmark).

The voice conversation marks each step as it happens; a turn is complete, and kept, once its
first reply sound reached the speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TurnTiming:
    """From the end of the person's speech to the first reply sound; all values in seconds."""

    end_of_speech_wait: float = 0.0
    """Audio from the end of the last word to the decision that the utterance had ended."""
    final_decoding: float = 0.0
    """The recogniser call that closed the utterance."""
    deciding: float = 0.0
    """Understanding, deciding and wording the reply (the dialogue's turn)."""
    synthesis: float = 0.0
    """Rendering the first spoken line of the reply."""
    playback_start: float = 0.0
    """From starting playback to the first block handed to the sound device."""

    @property
    def after_end_of_speech(self) -> float:
        """The work done once the end of speech was decided."""
        return self.final_decoding + self.deciding + self.synthesis + self.playback_start

    @property
    def total(self) -> float:
        """From the last speech sample to the first reply sample played."""
        return self.end_of_speech_wait + self.after_end_of_speech


@dataclass
class TurnTimer:
    """Collects a TurnTiming per answered turn; the steps are marked in the order they happen."""

    turns: list[TurnTiming] = field(default_factory=list)
    """Every complete turn so far."""
    current: TurnTiming | None = None
    """The turn being measured: from an utterance heard to its first reply sound."""
    synthesised: bool = False
    """The current turn's first line has been rendered (later lines do not count)."""

    def heard(self, end_of_speech_wait: float, final_decoding: float) -> None:
        """An utterance ended: a new turn starts."""
        self.current = TurnTiming(end_of_speech_wait, final_decoding)
        self.synthesised = False

    def decided(self, seconds: float) -> None:
        """The dialogue answered the utterance."""
        if self.current is not None and not self.synthesised:
            self.current.deciding = seconds

    def rendered(self, seconds: float) -> None:
        """A line was synthesised; only the first of the turn counts."""
        if self.current is not None and not self.synthesised:
            self.current.synthesis = seconds
            self.synthesised = True

    def first_sound(self, seconds: float) -> None:
        """Playback of that first line reached the device: the turn is complete."""
        if self.current is not None and self.synthesised:
            self.current.playback_start = seconds
            self.turns.append(self.current)
            self.current = None
