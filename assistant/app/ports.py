"""What the conversation needs from devices and engines, as small interfaces.

The real adapters (the sounddevice microphone, Vosk, pyttsx3 with playback) implement these by
their shape; tests hand the same interfaces a fault where a real part cannot be made to fail on
demand. Nothing here does anything: it only names what the app relies on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.adapters.sound import SpokenAudio
from assistant.adapters.vosk_asr import Transcript
from assistant.core.events import Say


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
    """Speech out: a line rendered to sound, played until done or stopped."""

    @property
    def first_block_at(self) -> float | None:
        """When (``time.perf_counter``) the last ``play`` handed its first sound to the
        device."""
        ...

    def render(self, say: Say) -> SpokenAudio:
        """The sound of one line."""
        ...

    def play(self, audio: SpokenAudio) -> bool:
        """Play to the end (True) or until ``stop`` (False); PlaybackError if there is no
        speaker."""
        ...

    def stop(self) -> None:
        """Cut the current playback short, from any thread."""
        ...
