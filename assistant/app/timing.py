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
    tone: float | None = None
    """From the decision to the first block of the "heard" tone, when one was played."""
    heard: str = ""
    """What the person was heard to say (the benchmark matches turns to utterances by it)."""

    @property
    def after_end_of_speech(self) -> float:
        """The work done once the end of speech was decided."""
        return self.final_decoding + self.deciding + self.synthesis + self.playback_start

    @property
    def total(self) -> float:
        """From the last speech sample to the first sample of the reply's first line."""
        return self.end_of_speech_wait + self.after_end_of_speech

    @property
    def to_first_sound(self) -> float:
        """From the last speech sample to the first sound in answer: the "heard" tone if one
        was played, else the reply."""
        if self.tone is None:
            return self.total
        return self.end_of_speech_wait + self.final_decoding + self.deciding + self.tone


@dataclass
class TurnTimer:
    """Collects a TurnTiming per answered turn; the steps are marked in the order they happen."""

    turns: list[TurnTiming] = field(default_factory=list)
    """Every complete turn so far."""
    current: TurnTiming | None = None
    """The turn being measured: from an utterance heard to its first reply sound."""
    synthesised: bool = False
    """The current turn's first line has been rendered (later lines do not count)."""
    decided_at: float | None = None
    """When (perf_counter) the dialogue answered the current turn."""

    def heard(self, end_of_speech_wait: float, final_decoding: float, text: str = "") -> None:
        """An utterance ended: a new turn starts."""
        self.current = TurnTiming(end_of_speech_wait, final_decoding, heard=text)
        self.synthesised = False

    def decided(self, seconds: float, at: float | None = None) -> None:
        """The dialogue answered the utterance (``at``: the perf_counter time it did)."""
        if self.current is not None and not self.synthesised:
            self.current.deciding = seconds
            self.decided_at = at

    def toned(self, first_block_at: float) -> None:
        """The "heard" tone reached the device (perf_counter time of its first block)."""
        if self.current is not None and self.decided_at is not None and self.current.tone is None:
            self.current.tone = first_block_at - self.decided_at

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
