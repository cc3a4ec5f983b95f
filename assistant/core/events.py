"""What flows in and out of the conversation: closed sets of event and output types.

The dialogue (:mod:`assistant.core.dialogue`) takes an :data:`Event` and returns a list of
:data:`Output` to carry out in order; one executor (:mod:`assistant.app.executor`) carries them
out for the voice and the typed conversation alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.core.hearing import Alternative
from assistant.core.settings import Settings

# --- events in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Start:
    """The conversation begins: greet and listen."""


@dataclass(frozen=True)
class Heard:
    """The person said something (the recogniser's text, possibly empty or "[unk]")."""

    text: str
    """What was heard or typed."""
    alternatives: tuple[Alternative, ...] = ()
    """The recogniser's other hearings of a spoken description, best first (none typed)."""


@dataclass(frozen=True)
class NoSpeech:
    """Nobody spoke within the `Listen.timeout` seconds."""


@dataclass(frozen=True)
class Failure:
    """Something outside the dialogue failed (microphone gone, recogniser error)."""

    message: str
    """One short sentence saying what went wrong, spoken after an apology."""


Event = Start | Heard | NoSpeech | Failure


# --- outputs ---------------------------------------------------------------------------------

SayKind = Literal[
    "greeting", "prompt", "reply", "more", "help", "ack", "error", "goodbye", "caption-only"
]
EarconName = Literal["listening", "heard"]
Expect = Literal["open", "short", "yes_no", "choice"]


@dataclass(frozen=True)
class Say:
    """Speak `text` and show it as a caption; "caption-only" lines are shown, not spoken."""

    text: str
    """The words, written for the ear."""
    kind: SayKind
    """What the line is for; drivers may style captions by kind."""

    @property
    def spoken(self) -> bool:
        """Whether the line is spoken aloud as well as shown."""
        return self.kind != "caption-only"


@dataclass(frozen=True)
class PlayEarcon:
    """Play one of the two short tones."""

    name: EarconName
    """"listening" (before listening starts) or "heard" (an utterance was received)."""


@dataclass(frozen=True)
class SetRate:
    """Speak from now on at this rate."""

    rate: int
    """Words a minute."""


@dataclass(frozen=True)
class SetVolume:
    """Speak from now on at this volume."""

    volume: float
    """From 0.2 to 1.0."""


@dataclass(frozen=True)
class SaveSettings:
    """A setting changed: keep the new settings for next time."""

    settings: Settings
    """The complete settings to write."""


@dataclass(frozen=True)
class Listen:
    """Listen for the next utterance."""

    expect: Expect
    """What is likely next, so a grammar-restricted recogniser can help: "short" a control,
    "yes_no" an answer to a yes/no question, "choice" one of the offered kinds of problem;
    "open" anything (a description)."""
    timeout: float | None
    """Seconds of silence before sending NoSpeech; None means wait without a limit."""


@dataclass(frozen=True)
class StopSpeaking:
    """Cut off whatever is being spoken right now."""


@dataclass(frozen=True)
class Exit:
    """The conversation is over; the driver should finish."""


Output = Say | PlayEarcon | SetRate | SetVolume | SaveSettings | Listen | StopSpeaking | Exit
