"""`listen`: the hands-free conversation on the microphone, and its `--text` twin on stdin.

The dialogue (assistant/dialogue.py) decides what to say; this module carries it out with real
parts: the microphone (assistant/audio.py), Vosk (assistant/asr.py), the speech engine
(assistant/tts.py) and the speaker.

Half duplex: while the assistant speaks, microphone frames go only to a barge-in recogniser
that listens for "stop" and nothing else, so the assistant never answers itself. A "stop" counts
only when it is heard on its own: the assistant's own voice saying a sentence with "stop" in it
reaches that recogniser as "[unk] … stop …", which is not a barge-in.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.controls import CONTROL_VOCABULARY, match_control
from assistant.dialogue import (
    Dialogue,
    Event,
    Exit,
    Failure,
    Heard,
    Listen,
    NoSpeech,
    Output,
    PlayEarcon,
    SaveSettings,
    Say,
    SetRate,
    SetVolume,
    Start,
    StopSpeaking,
)
from assistant.errors import UserError
from assistant.settings import Settings, load_settings, save_settings
from assistant.speaker import Speaker
from assistant.transcript_log import TranscriptLog, logged_lines

if TYPE_CHECKING:
    from assistant.asr import StreamRecognizer, Transcriber, Utterance
    from assistant.audio import Microphone
    from assistant.listen_text import ReplySaver
    from assistant.tts import SpokenAudio

log = logging.getLogger(__name__)

BARGE_IN_WORD = "stop"
SPEECH_FAILED = "I could not say that out loud. Say repeat to try again."
INTERNAL_FAULT = "Something went wrong on my side. Please say that again."
RECOGNITION_FAULT = "I could not make out what you said. Please say it again."
GAVE_UP_EXIT_CODE = 1
"""Exit code when the conversation ends because faults kept happening (not bad input: 2)."""
# How long to wait for a lost microphone to come back before ending the conversation.
RECONNECT_SECONDS = 60.0
RECONNECT_POLL_SECONDS = 2.0


def run(args: argparse.Namespace) -> int:
    """The `listen` command: settings, then the text or the microphone conversation."""
    settings, warning = load_settings()
    if warning:
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    if args.device is not None:
        settings = replace(settings, device=args.device)
    log = TranscriptLog(args.log_transcripts) if args.log_transcripts else None
    try:
        if args.text:
            return _run_text(args, settings, log)
        return _run_voice(args, settings, warning, log)
    finally:
        if log is not None:
            log.close()


def _run_voice(
    args: argparse.Namespace, settings: Settings, warning: str | None, log: TranscriptLog | None
) -> int:
    speaker = None if args.mute else Speaker(settings)
    try:
        conversation = VoiceConversation.start(settings, args.model, speaker, args.save_replies)
        conversation.log = log
        if warning:
            conversation.say(Say(warning, "error"))
        return conversation.run()
    except UserError as error:
        # The person may not see the screen: the reason the assistant stops is spoken too.
        # With no speaker either, the printed line is all there is: one line, not two.
        if speaker is not None:
            with contextlib.suppress(UserError):
                speaker.player.play(speaker.synthesizer.synthesize(error.message))
        raise


def _run_text(args: argparse.Namespace, settings: Settings, log: TranscriptLog | None) -> int:
    from assistant.listen_text import run_text

    speak = None
    voice_changed = None
    if not args.mute:
        speaker = Speaker(settings)
        speak = speaker.say_text
        voice_changed = speaker.follow
    lines = logged_lines(sys.stdin, log)
    return run_text(lines, sys.stdout, settings, speak, args.save_replies,
                    voice_changed=voice_changed)  # fmt: skip


@dataclass
class TurnTiming:
    """Where the time goes between the end of the person's speech and the first reply sound.

    Recorded only when asked (the latency benchmark); all values in seconds.
    """

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
class BargeIn:
    """Listens, while the assistant speaks, for the person saying "stop" on its own."""

    recognizer: StreamRecognizer
    """A grammar recogniser that knows only the stop word."""
    heard: threading.Event = field(default_factory=threading.Event)
    """Set once a barge-in was heard."""

    def feed(self, frame: bytes) -> bool:
        """Feed one frame; True once the person said "stop"."""
        utterance = self.recognizer.accept(frame)
        if utterance is not None and is_barge_in(utterance):
            self.heard.set()
        return self.heard.is_set()

    def reset(self) -> None:
        """Ready for the next reply."""
        self.recognizer.reset()
        self.heard.clear()


# An open-vocabulary result this short may be a misheard command ("goodbye" as "don't mind").
SHORT_UTTERANCE_WORDS = 3


def choose_text(
    open_result: Utterance | None, grammar_result: Utterance | None, short: bool
) -> str:
    """What the person said, from the open and the command-grammar recognisers.

    The grammar result wins when it is a clean command (no stretch outside the grammar) and
    either a short answer was expected or the open result is itself only a few words; a longer
    description always goes through as heard.
    """
    open_text = open_result.text if open_result is not None else ""
    clean_command = (
        grammar_result is not None
        and grammar_result.unknown == 0
        and match_control(grammar_result.text) is not None
    )
    if clean_command and (short or len(open_text.split()) <= SHORT_UTTERANCE_WORDS):
        assert grammar_result is not None
        return grammar_result.text
    return open_text


def is_barge_in(utterance: Utterance) -> bool:
    """Only a "stop" said on its own counts, never one inside a longer sentence."""
    return utterance.text == BARGE_IN_WORD and utterance.unknown == 0


@dataclass
class VoiceConversation:
    """The microphone loop: carries out the dialogue's outputs with the real devices."""

    dialogue: Dialogue
    """The pure conversation logic."""
    transcriber: Transcriber
    """The loaded Vosk model."""
    microphone: Microphone
    """The open microphone."""
    speaker: Speaker | None
    """Speech out, or None when muted (captions only)."""
    saver: ReplySaver | None
    """Writes each spoken line to a WAV file when --save-replies is given."""
    out: TextIO = sys.stdout
    """Where captions go."""
    status: TextIO = sys.stderr
    """Where "listening" and "heard" notes go (captions are for what is spoken)."""
    log: TranscriptLog | None = None
    """The opt-in transcript log (--log-transcripts)."""
    timings: list[TurnTiming] | None = None
    """When a list, each answered turn's TurnTiming is appended (for the latency benchmark)."""
    _turn: TurnTiming | None = None
    unspoken: bool = False
    """A line could not be spoken this turn; apologise before listening."""
    microphone_ok: bool = True
    """False after the microphone failed, until it has been opened again."""
    lost: UserError | None = None
    """The microphone failed while the assistant spoke; said before listening again."""
    _earcons: dict[str, SpokenAudio] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        settings: Settings,
        model: Path | None,
        speaker: Speaker | None,
        save_replies: Path | None,
    ) -> VoiceConversation:
        """Load the model, open the devices; a UserError names anything missing."""
        from assistant.advice import advise
        from assistant.asr import Transcriber
        from assistant.listen_text import ReplySaver

        transcriber = Transcriber.load(model)
        advise("")  # read the lexicon now rather than during the person's first turn
        saver = ReplySaver(save_replies, settings) if save_replies is not None else None
        microphone = _open_microphone(settings)
        return cls(Dialogue(settings), transcriber, microphone, speaker, saver)

    # -- the loop --------------------------------------------------------------------------

    def run(self) -> int:
        """Hold the conversation until goodbye; returns the exit code."""
        try:
            event: Event = Start()
            while True:
                try:
                    started = time.perf_counter()
                    outputs = self.dialogue.handle(event)
                    if self._turn is not None:
                        self._turn.deciding = time.perf_counter() - started
                    next_event = self.carry_out(outputs)
                except UserError:
                    raise
                except Exception as error:
                    # An engine fault mid-turn must not end the conversation: the dialogue
                    # apologises, and gives up cleanly only if it keeps happening.
                    _log_fault("A turn failed", error)
                    next_event = Failure(INTERNAL_FAULT)
                if next_event is None:
                    # Ended on a fault (the dialogue gave up after repeated failures) is not
                    # a success, whatever the apology said.
                    return GAVE_UP_EXIT_CODE if isinstance(event, Failure) else 0
                event = next_event
        except KeyboardInterrupt:
            return 130
        finally:
            self.microphone.close()

    def carry_out(self, outputs: list[Output]) -> Event | None:
        """Do what the dialogue asked; the next event, or None once it said goodbye."""
        for output in outputs:
            match output:
                case Say():
                    if not self.say(output):
                        # The person said "stop": the rest of this turn is dropped, and the
                        # dialogue hears the stop like any other (caption, then listening).
                        return Heard(BARGE_IN_WORD)
                case PlayEarcon(name=name):
                    self._play_earcon(name)
                case SetRate() | SetVolume():
                    settings = self.dialogue.settings
                    if self.speaker is not None:
                        self.speaker.follow(settings)
                    if self.saver is not None:
                        self.saver.update(settings)
                case SaveSettings(settings=changed):
                    self._save(changed)
                case StopSpeaking():
                    pass  # speech is synchronous here: a barge-in already cut it short
                case Listen(expect=expect, timeout=timeout):
                    if self.unspoken:
                        self.unspoken = False
                        return Failure(SPEECH_FAILED)
                    if self.lost is not None:
                        lost, self.lost = self.lost, None
                        return Failure(lost.message)  # the next listen waits for the device
                    return self.listen(expect == "short", timeout)
                case Exit():
                    return None
        return None

    # -- speaking --------------------------------------------------------------------------

    def say(self, say: Say) -> bool:
        """Caption every line; speak it (with barge-in) unless muted; save it when asked.

        False when the person stopped it by saying "stop".
        """
        print(say.text, file=self.out, flush=True)
        if not say.spoken:
            return True
        if self.saver is not None:
            self.saver.save(say)
        if self.speaker is not None:
            try:
                started = time.perf_counter()
                audio = self.speaker.render(say)
                turn, self._turn = self._turn, None  # only the first line of a reply counts
                if turn is not None:
                    turn.synthesis = time.perf_counter() - started
                return self._speak(audio, turn)
            except UserError:
                raise
            except Exception as error:
                # The caption is out; the person hears an apology before the next turn.
                _log_fault("Speaking failed", error)
                self.unspoken = True
        return True

    def _speak(self, audio: SpokenAudio, turn: TurnTiming | None = None) -> bool:
        """Play audio while listening only for "stop"; False if the person stopped it."""
        from assistant.audio import MicrophoneError

        assert self.speaker is not None
        player = self.speaker.player
        play_called = time.perf_counter()
        barge_in = BargeIn(self.transcriber.stream(grammar=[BARGE_IN_WORD], end_silence=0.3))
        failure: list[UserError] = []

        def play() -> None:
            try:
                player.play(audio)
            except UserError as error:
                failure.append(error)

        self.microphone.muted = True
        playing = threading.Thread(target=play, name="speaking", daemon=True)
        playing.start()
        try:
            while playing.is_alive():
                if not self.microphone_ok:
                    playing.join(timeout=0.05)  # no microphone: no barge-in, speech goes on
                    continue
                try:
                    frame = self.microphone.read_muted(timeout=0.05)
                except MicrophoneError as error:
                    # Unplugged while we speak: finish the line, then say so and wait for it.
                    self.microphone.close()
                    self.microphone_ok = False
                    self.lost = error
                    continue
                if frame is not None and barge_in.feed(frame):
                    player.stop()
                    self._note("stopped by the person")
                    break
            playing.join()
        finally:
            # Frames heard while muted were our own voice and are dropped on unmuting; frames
            # from before (while the reply was being synthesised) are the person's, and kept.
            self.microphone.muted = False
        if turn is not None and self.timings is not None and player.first_block_at is not None:
            turn.playback_start = player.first_block_at - play_called
            self.timings.append(turn)
        if failure:
            # No speaker: the captions still carry the conversation.
            self._note(failure[0].message)
            self.speaker = None
        return not barge_in.heard.is_set()

    def _play_earcon(self, name: str) -> None:
        if self.speaker is None:
            return
        if not self._earcons:
            from assistant import earcons

            self._earcons = {"listening": earcons.listening_started(), "heard": earcons.heard()}
        # Muted like speech, so the microphone does not take the tone for the person.
        self._speak(self._earcons[name])

    def _save(self, settings: Settings) -> None:
        try:
            save_settings(settings)
        except UserError as error:
            # The change still holds for this conversation; say why it will not be kept.
            self.say(Say(error.message, "error"))

    # -- listening -------------------------------------------------------------------------

    def listen(self, short: bool, timeout: float | None) -> Event:
        """Wait for one utterance; NoSpeech after `timeout` seconds of nobody speaking."""
        from assistant.asr import BYTES_PER_SECOND
        from assistant.audio import MicrophoneError

        if not self.microphone_ok:
            self._reconnect()
        end_silence = self.dialogue.settings.end_silence
        open_recognizer = self.transcriber.stream(end_silence=end_silence)
        # Short commands are heard far more accurately by a grammar recogniser; the open one
        # runs beside it so a full description is never lost to the word list.
        short_recognizer = self.transcriber.stream(
            grammar=CONTROL_VOCABULARY, end_silence=end_silence
        )
        self._note("listening")
        waited = 0.0  # seconds, for the no-speech timeout
        fed = 0.0  # seconds of audio given to the recognisers; Vosk's word times use this clock
        try:
            while True:
                frame = self.microphone.read(timeout=0.5)
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
                    _log_fault("Recognition failed", error)
                    return Failure(RECOGNITION_FAULT)
                if utterance is not None or short_utterance is not None:
                    if short_utterance is None:
                        short_utterance = short_recognizer.flush()
                    text = choose_text(utterance, short_utterance, short)
                    if text and self.timings is not None:
                        heard = utterance if utterance is not None else short_utterance
                        last_word_end = heard.words[-1].end if heard and heard.words else fed
                        self._turn = TurnTiming(max(0.0, fed - last_word_end), decoding)
                    if text:
                        self._note(f"heard: {text}")
                        if self.log is not None:
                            self.log.write("person", text)
                        return Heard(text)
                if timeout is not None and waited >= timeout and not open_recognizer.partial():
                    return NoSpeech()
        except MicrophoneError as error:
            # The dialogue apologises and says why; the next listen waits for the device.
            self.microphone.close()
            self.microphone_ok = False
            return Failure(error.message)

    def _reconnect(self) -> None:
        """Wait for the microphone to come back; a UserError if it does not in time."""
        from assistant.audio import MicrophoneError

        self._note("waiting for the microphone")
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                self.microphone = _open_microphone(self.dialogue.settings, refresh=True)
            except MicrophoneError as error:
                if time.monotonic() >= deadline:
                    raise UserError(
                        f"{error.message} Ending the conversation; start it again when fixed."
                    ) from error
                time.sleep(RECONNECT_POLL_SECONDS)
                continue
            self.microphone_ok = True
            self._note("the microphone is back")
            return

    def _note(self, text: str) -> None:
        print(f"… {text}", file=self.status, flush=True)


def _log_fault(what: str, error: Exception) -> None:
    """One line on stderr for a fault the conversation recovers from; the traceback only when
    debug logging is on (the person is told in words, and a traceback is not for them)."""
    log.warning("%s (%s: %s)", what, type(error).__name__, error,
                exc_info=log.isEnabledFor(logging.DEBUG))  # fmt: skip


def _open_microphone(settings: Settings, refresh: bool = False) -> Microphone:
    from assistant.audio import Microphone, refresh_devices

    if refresh:
        refresh_devices()  # a device plugged in again gets a new entry
    microphone = Microphone(settings.device, realtime=True)
    microphone.open()
    return microphone
