"""What the conversation needs from devices and engines, as small interfaces.

The real adapters (the sounddevice microphone, Vosk, the speech outputs) implement these by
their shape; tests hand the same interfaces a fault where a real part cannot be made to fail on
demand. Nothing here does anything: it only names what the app relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.adapters.sound import Spoken, SpokenAudio
from assistant.adapters.vosk_asr import Transcript
from assistant.core.events import Say
from assistant.core.settings import Settings


class Microphone(Protocol):
    """Frames of 16 kHz mono 16-bit sound; while ``muted`` they go to ``read_muted`` only."""

    muted: bool

    def read(self, timeout: float | None = None) -> bytes | None:
        """The next frame, or None after ``timeout`` seconds; MicrophoneError once it is lost."""
        ...

    def read_muted(self, timeout: float | None = None) -> bytes | None:
        """The next frame captured while muted (for the barge-in listener)."""
        ...

    def close(self) -> None:
        """Stop capturing."""
        ...


class LiveRecognizer(Protocol):
    """One live recognition: frames in, an utterance out once the person has finished."""

    def accept(self, frame: bytes) -> Transcript | None:
        """Feed one frame; the utterance once it has ended, else None."""
        ...

    def partial(self) -> str:
        """What has been heard so far of the utterance in progress."""
        ...

    def flush(self) -> Transcript | None:
        """Close the utterance in progress now."""
        ...

    def reset(self) -> None:
        """Forget what was heard."""
        ...


class Recognizer(Protocol):
    """A loaded speech model that starts live recognitions."""

    def stream(
        self,
        grammar: Sequence[str] | None = None,
        end_silence: float = 0.8,
        alternatives: int = 0,
        silence_needed: Callable[[str], float] | None = None,
    ) -> LiveRecognizer:
        """A live recognition; with a grammar it hears only those words and phrases; with
        ``alternatives`` > 1 its utterances keep that many N-best hearings; ``silence_needed``
        says from the words heard so far how long a silence ends an utterance."""
        ...


class Speaker(Protocol):
    """Speech out, one line at a time: pyttsx3, speech-dispatcher or the natural voice."""

    def speak(self, say: Say) -> Spoken:
        """Say one line, blocking until it has been said or stopped: while this runs the line
        is (or is about to be) heard. UserError if it cannot be spoken at all (PlaybackError
        when the speaker has gone)."""
        ...

    def play(self, audio: SpokenAudio) -> bool:
        """Play a tone to the end (True) or until ``stop`` (False)."""
        ...

    @property
    def first_block_at(self) -> float | None:
        """When (``time.perf_counter``) the last tone's first block reached the device."""
        ...

    def stop(self) -> None:
        """Cut the current line or tone short, from any thread."""
        ...

    def follow(self, settings: Settings) -> None:
        """Take on the rate and volume the person changed, from the next line on."""
        ...
