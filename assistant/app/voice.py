"""The hands-free conversation on the microphone: listening and speaking with real devices.

The dialogue decides what to say and :class:`~assistant.app.executor.Executor` carries it out;
this module gives it ears (:class:`VoiceEars`: the microphone and Vosk) and a mouth
(:class:`VoiceMouth`: speech with barge-in). Devices and engines come in through the small
interfaces of :mod:`assistant.app.ports`.

Half duplex: while the assistant speaks, microphone frames go only to a barge-in recogniser that
listens for "stop" and nothing else, so the assistant never answers itself. "While it speaks" is
the whole of the speaker's blocking ``speak`` call, which returns only once the line is over (for
speech-dispatcher: its END or CANCEL event), never an estimate of how long it takes. A "stop"
counts only when it is heard on its own: the assistant's own voice saying a sentence with "stop"
in it reaches that recogniser as "[unk] … stop …", which is not a barge-in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

from assistant.adapters.devices import MicrophoneError, PlaybackError
from assistant.adapters.earcons import heard, listening_started
from assistant.adapters.sound import SpokenAudio
from assistant.adapters.transcript_log import TranscriptLog
from assistant.adapters.vosk_asr import BYTES_PER_SECOND, Transcript
from assistant.app.executor import log_fault
from assistant.app.ports import LiveRecognizer, Microphone, Recognizer, Speaker
from assistant.app.timing import TurnTimer
from assistant.core.controls import (
    CONTROL_VOCABULARY,
    YES_NO_VOCABULARY,
    Control,
    match_answer,
    match_control,
    normalize,
)
from assistant.core.dialogue import CHOICE_VOCABULARY
from assistant.core.errors import UserError
from assistant.core.events import EarconName, Event, Expect, Failure, Heard, NoSpeech, Say
from assistant.core.hearing import N_BEST
from assistant.core.settings import Settings
from assistant.core.turn_taking import silence_to_end

BARGE_IN_WORD = Control.STOP.value
SPEECH_FAILED = "I could not say that out loud. Say repeat to try again."
RECOGNITION_FAULT = "I could not make out what you said. Please say it again."
RECONNECT_SECONDS = 60.0
"""How long to wait for a lost microphone to come back before ending the conversation."""
RECONNECT_POLL_SECONDS = 2.0
SHORT_UTTERANCE_WORDS = 3
"""An open-vocabulary result this short may be a misheard command ("goodbye" as "don't mind")."""

T = TypeVar("T")

MicrophoneOpener = Callable[[bool], Microphone]
"""Opens the microphone; with True, after re-scanning the devices (to retry after a loss)."""


@dataclass
class StatusNotes:
    """Short notes on what the loop is doing ("listening", "heard: …"), apart from captions."""

    out: TextIO
    """Where they go (stderr): captions are for what is spoken."""

    def note(self, text: str) -> None:
        """Print one note."""
        print(f"… {text}", file=self.out, flush=True)


@dataclass
class MicrophoneLink:
    """The microphone, which may be lost (unplugged) and opened again."""

    open: MicrophoneOpener
    """How to open it again after a loss."""
    device: Microphone
    """The open microphone."""
    notes: StatusNotes
    """Where "waiting for the microphone" is noted."""
    working: bool = True
    """False after the microphone failed, until it has been opened again."""
    lost_while_speaking: UserError | None = None
    """The microphone failed while the assistant spoke; told before listening again."""

    def lose(self, error: UserError) -> None:
        """The device failed: close it; the next listen waits for it to come back."""
        self.device.close()
        self.working = False

    def reconnect(self) -> None:
        """Wait for the microphone to come back; a UserError if it does not in time."""
        self.notes.note("waiting for the microphone")
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                self.device = self.open(True)
            except MicrophoneError as error:
                if time.monotonic() >= deadline:
                    raise UserError(
                        f"{error.message} Ending the conversation; start it again when fixed."
                    ) from error
                time.sleep(RECONNECT_POLL_SECONDS)
                continue
            self.working = True
            self.notes.note("the microphone is back")
            return


@dataclass
class BargeIn:
    """Listens, while the assistant speaks, for the person saying "stop" on its own."""

    recognizer: LiveRecognizer
    """A grammar recogniser that knows only the stop word."""
    heard: threading.Event = field(default_factory=threading.Event)
    """Set once a barge-in was heard."""

    def feed(self, frame: bytes) -> bool:
        """Feed one frame; True once the person said "stop"."""
        utterance = self.recognizer.accept(frame)
        if utterance is not None and is_barge_in(utterance):
            self.heard.set()
        return self.heard.is_set()


def is_barge_in(utterance: Transcript) -> bool:
    """Only a "stop" said on its own counts, never one inside a longer sentence."""
    return utterance.text == BARGE_IN_WORD and utterance.unknown == 0


GRAMMARS: dict[Expect, tuple[str, ...]] = {
    "open": CONTROL_VOCABULARY,
    "short": CONTROL_VOCABULARY,
    "yes_no": YES_NO_VOCABULARY,
    "choice": (*CONTROL_VOCABULARY, *CHOICE_VOCABULARY),
}
"""The grammar recogniser's phrases for what is expected next."""
_CHOICE_WORDS = frozenset(normalize(phrase) for phrase in CHOICE_VOCABULARY)


def is_expected_answer(text: str, expect: Expect) -> bool:
    """Whether ``text`` is one of the short answers the grammar was listening for."""
    if match_control(text) is not None:
        return True
    if expect == "yes_no":
        return match_answer(text) is not None
    return expect == "choice" and normalize(text) in _CHOICE_WORDS


def choose_text(
    open_result: Transcript | None, grammar_result: Transcript | None, expect: Expect
) -> str:
    """What the person said, from the open and the grammar recognisers.

    The grammar result wins when it is a clean short answer (a command, or the yes, no or
    choice that was asked for, with no stretch outside the grammar) and either a short answer
    was expected or the open result is itself only a few words; a longer description always
    goes through as heard.
    """
    open_text = open_result.text if open_result is not None else ""
    clean_answer = (
        grammar_result is not None
        and grammar_result.unknown == 0
        and is_expected_answer(grammar_result.text, expect)
    )
    short = expect != "open"
    if clean_answer and (short or len(open_text.split()) <= SHORT_UTTERANCE_WORDS):
        assert grammar_result is not None
        return grammar_result.text
    return open_text


@dataclass
class VoiceMouth:
    """Speech with barge-in: says a line while listening only for "stop"."""

    speaker: Speaker | None
    """Speech out, or None when muted (captions carry on)."""
    recognizer: Recognizer
    """For the barge-in listener."""
    microphone: MicrophoneLink
    """Muted while speaking, so the assistant does not hear itself."""
    notes: StatusNotes
    """Where "stopped by the person" and a lost speaker are noted."""
    timer: TurnTimer | None = None
    """Marks synthesis and the first reply sound (the latency benchmark)."""
    unspoken: bool = False
    """A line could not be spoken this turn; apologise before listening."""
    speaker_lost: bool = False
    """The speaker failed. Each later line tries it again (a headset plugged back in is heard
    at once); meanwhile the captions carry the conversation."""
    _earcons: dict[str, SpokenAudio] = field(default_factory=dict)

    def speak(self, say: Say) -> bool:
        """Say one line; False when the person stopped it by saying "stop"."""
        speaker = self.speaker
        if speaker is None:
            return True
        called = time.perf_counter()
        try:
            sounded = self._on_the_speaker(speaker, lambda: speaker.speak(say))
        except UserError:
            raise
        except Exception as error:
            # The caption is out; the person hears an apology before the next turn.
            log_fault("Speaking failed", error)
            self.unspoken = True
            return True
        if sounded is None:
            return True
        spoken, stopped = sounded
        if self.timer is not None and spoken.first_sound_at is not None:
            self.timer.rendered(spoken.synthesis)
            self.timer.first_sound(spoken.first_sound_at - called - spoken.synthesis)
        return not stopped

    def play_earcon(self, name: EarconName) -> None:
        """Play a tone, muted like speech so the microphone does not take it for the person."""
        speaker = self.speaker
        if speaker is None:
            return
        if not self._earcons:
            self._earcons = {"listening": listening_started(), "heard": heard()}
        tone = self._earcons[name]
        if self._on_the_speaker(speaker, lambda: speaker.play(tone)) is None:
            return
        first = speaker.first_block_at
        if name == "heard" and self.timer is not None and first is not None:
            self.timer.toned(first)

    def follow(self, settings: Settings) -> None:
        """Speak at the rate and volume the person chose."""
        if self.speaker is not None:
            self.speaker.follow(settings)

    def pending_failure(self) -> Failure | None:
        """A line that could not be spoken, or a microphone lost while speaking."""
        if self.unspoken:
            self.unspoken = False
            return Failure(SPEECH_FAILED)
        lost, self.microphone.lost_while_speaking = self.microphone.lost_while_speaking, None
        return None if lost is None else Failure(lost.message)

    def _on_the_speaker(self, speaker: Speaker, sound: Callable[[], T]) -> tuple[T, bool] | None:
        """``sound`` played with barge-in (see _listening_for_stop), or None when the speaker
        failed. Its loss is noted once, and its return once."""
        try:
            played = self._listening_for_stop(speaker, sound)
        except PlaybackError as error:
            if not self.speaker_lost:
                self.notes.note(error.message)
                self.speaker_lost = True
            return None
        if self.speaker_lost:
            self.notes.note("the speaker is back")
            self.speaker_lost = False
        return played

    def _listening_for_stop(self, speaker: Speaker, sound: Callable[[], T]) -> tuple[T, bool]:
        """Run ``sound`` (a line or a tone, which blocks until it is over) with the
        microphone muted, listening only for "stop"; its result, and whether the person
        stopped it. Whatever ``sound`` raised is raised here."""
        barge_in = BargeIn(self.recognizer.stream(grammar=[BARGE_IN_WORD], end_silence=0.3))
        outcome: list[T] = []
        failure: list[BaseException] = []

        def run() -> None:
            try:
                outcome.append(sound())
            except BaseException as error:  # raised again in the conversation's thread
                failure.append(error)

        link = self.microphone
        # From here until the sound is over, whatever the microphone hears may be our own
        # voice: it goes to the barge-in listener only and is dropped on unmuting.
        link.device.muted = True
        sounding = threading.Thread(target=run, name="speaking", daemon=True)
        sounding.start()
        try:
            while sounding.is_alive():
                if not link.working:
                    sounding.join(timeout=0.05)  # no microphone: no barge-in, speech goes on
                    continue
                try:
                    frame = link.device.read_muted(timeout=0.05)
                except MicrophoneError as error:
                    # Unplugged while we speak: finish the line, then say so and wait for it.
                    link.lose(error)
                    link.lost_while_speaking = error
                    continue
                if frame is not None and barge_in.feed(frame):
                    speaker.stop()
                    self.notes.note("stopped by the person")
                    break
            sounding.join()
        finally:
            link.device.muted = False
        if failure:
            raise failure[0]
        return outcome[0], barge_in.heard.is_set()


@dataclass
class VoiceEars:
    """Listening: the microphone's frames through an open and a command-grammar recogniser."""

    recognizer: Recognizer
    """The loaded speech model."""
    microphone: MicrophoneLink
    """Where the frames come from."""
    settings: Callable[[], Settings]
    """The conversation's settings as they are now (the end-of-speech silence)."""
    notes: StatusNotes
    """Where "listening" and "heard: …" are noted."""
    transcript_log: TranscriptLog | None = None
    """The opt-in log of what the person said (--log-transcripts)."""
    timer: TurnTimer | None = None
    """Marks the end-of-speech wait and the final decoding (the latency benchmark)."""
    on_first_listening: Callable[[], None] | None = None
    """Called once, as soon as the assistant first listens (starts the background warm-up)."""

    def listen(self, expect: Expect, timeout: float | None) -> Event:
        """Wait for one utterance; NoSpeech after ``timeout`` seconds of nobody speaking."""
        if not self.microphone.working:
            self.microphone.reconnect()
        longest = self.settings().end_silence
        # A bare yes or no ends quickest only where it answers: a question, or the offer.
        answering = expect in ("yes_no", "short")
        # The words heard so far decide how long a silence ends the utterance; the grammar
        # recogniser ends quickly only on an answer it was listening for, never on a fragment.
        open_recognizer = self.recognizer.stream(
            alternatives=N_BEST,
            silence_needed=lambda heard: silence_to_end(heard, longest, answering=answering),
        )
        # Short commands are heard far more accurately by a grammar recogniser; the open one
        # runs beside it so a full description is never lost to the word list.
        short_recognizer = self.recognizer.stream(
            grammar=GRAMMARS[expect],
            silence_needed=lambda heard: (
                silence_to_end(heard, longest, answering=answering)
                if is_expected_answer(heard, expect)
                else longest
            ),
        )
        self.notes.note("listening")
        if self.on_first_listening is not None:
            first, self.on_first_listening = self.on_first_listening, None
            first()
        waited = 0.0  # seconds, for the no-speech timeout
        fed = 0.0  # seconds of audio given to the recognisers; Vosk's word times use this clock
        try:
            while True:
                frame = self.microphone.device.read(timeout=0.5)
                if frame is None:
                    waited += 0.5
                    continue
                waited += len(frame) / BYTES_PER_SECOND
                fed += len(frame) / BYTES_PER_SECOND
                try:
                    started = time.perf_counter()
                    utterance = open_recognizer.accept(frame)
                    short_utterance = short_recognizer.accept(frame)
                    decoding = time.perf_counter() - started
                except Exception as error:  # a recogniser fault ends this turn, not the loop
                    log_fault("Recognition failed", error)
                    return Failure(RECOGNITION_FAULT)
                if utterance is not None or short_utterance is not None:
                    if short_utterance is None:
                        short_utterance = short_recognizer.flush()
                    text = choose_text(utterance, short_utterance, expect)
                    if text:
                        self._heard(text, utterance or short_utterance, fed, decoding)
                        heard_open = utterance is not None and text == utterance.text
                        alternatives = utterance.alternatives if utterance and heard_open else ()
                        return Heard(text, alternatives)
                if timeout is not None and waited >= timeout and not open_recognizer.partial():
                    return NoSpeech()
        except MicrophoneError as error:
            # The dialogue apologises and says why; the next listen waits for the device.
            self.microphone.lose(error)
            return Failure(error.message)

    def _heard(self, text: str, heard: Transcript | None, fed: float, decoding: float) -> None:
        if self.timer is not None:
            last_word_end = heard.words[-1].end if heard is not None and heard.words else fed
            self.timer.heard(max(0.0, fed - last_word_end), decoding, text)
        self.notes.note(f"heard: {text}")
        if self.transcript_log is not None:
            self.transcript_log.write("person", text)
