"""`listen`: the hands-free conversation on the microphone, and its `--text` twin on stdin.

This module only wires the parts together: settings, the transcript log, then either the typed
conversation (:mod:`assistant.app.typed`) or the voice one (:mod:`assistant.app.voice`), both
carried out by the one :class:`~assistant.app.executor.Executor`.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from assistant.adapters.devices import refresh_devices
from assistant.adapters.microphone import Microphone
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.settings_file import load_settings, spoken_warning
from assistant.adapters.speaker import Renderer
from assistant.adapters.transcript_log import TranscriptLog, logged_lines
from assistant.adapters.vosk_asr import Transcriber
from assistant.app.executor import Executor, ReplySaver
from assistant.app.ports import Recognizer, Speaker
from assistant.app.speech import open_output
from assistant.app.timing import TurnTimer
from assistant.app.typed import run_text
from assistant.app.voice import (
    MicrophoneLink,
    MicrophoneOpener,
    StatusNotes,
    VoiceEars,
    VoiceMouth,
)
from assistant.core.advice import advise
from assistant.core.dialogue import AdviseFn, Dialogue
from assistant.core.errors import UserError
from assistant.core.events import Say
from assistant.core.settings import Settings


@dataclass(frozen=True)
class ListenOptions:
    """What the person asked `listen` for on the command line."""

    text: bool = False
    """Read utterances from stdin instead of the microphone."""
    mute: bool = False
    """Captions only, no speech."""
    device: str | None = None
    """Microphone name or number, instead of the one in the settings."""
    save_replies: Path | None = None
    """Also write each spoken line as a WAV file in this folder."""
    log_transcripts: Path | None = None
    """Keep what the person said in this file (mode 0600)."""
    model: Path | None = None
    """The Vosk model folder to use."""
    speech: str | None = None
    """The speech output for this conversation, instead of the one in the settings."""


def run(options: ListenOptions) -> int:
    """The `listen` command: settings, then the text or the microphone conversation."""
    settings, warning = load_settings()
    if warning:
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    if options.device is not None:
        settings = replace(settings, device=options.device)
    transcript_log = TranscriptLog(options.log_transcripts) if options.log_transcripts else None
    try:
        if options.text:
            lines = logged_lines(sys.stdin, transcript_log)
            return run_text(
                lines, sys.stdout, settings, speak=not options.mute,
                save_replies=options.save_replies, speech=options.speech,
            )  # fmt: skip
        return _run_voice(options, settings, warning, transcript_log)
    finally:
        if transcript_log is not None:
            transcript_log.close()


def _run_voice(
    options: ListenOptions,
    settings: Settings,
    warning: str | None,
    transcript_log: TranscriptLog | None,
) -> int:
    output = open_output(
        options.speech, settings, speaking=not options.mute,
        saving=options.save_replies is not None,
    )  # fmt: skip
    try:
        transcriber = Transcriber.load(options.model)
        if transcriber.note:
            print(f"Warning: {transcriber.note}", file=sys.stderr, flush=True)
        conversation = voice_conversation(
            settings, transcriber, output.speaker, output.renderer,
            options.save_replies, transcript_log=transcript_log,
        )  # fmt: skip
        with contextlib.closing(conversation):
            if warning:
                conversation.executor.say(Say(spoken_warning(warning), "error"))
            for notice in output.notices:  # a fallback to pyttsx3, or the screen-reader hint
                conversation.executor.say(notice)
            return conversation.run()
    except UserError as error:
        # The person may not see the screen: the reason the assistant stops is spoken too.
        # With no speaker either, the printed line is all there is: one line, not two.
        if output.speaker is not None:
            with contextlib.suppress(UserError):
                output.speaker.speak(Say(error.message, "error"))
        raise


@dataclass
class VoiceConversation:
    """The executor with its voice ears and mouth, and the microphone they share."""

    executor: Executor
    """Carries out the dialogue's outputs."""
    microphone: MicrophoneLink
    """Closed when the conversation ends."""

    def run(self) -> int:
        """Hold the conversation until it ends; returns the exit code."""
        try:
            return self.executor.run()
        except KeyboardInterrupt:
            return 130

    def close(self) -> None:
        """Let go of the microphone."""
        self.microphone.device.close()


def open_microphone(settings: Settings) -> MicrophoneOpener:
    """Opens the microphone named in ``settings``, paced like a live one."""

    def opener(refresh: bool) -> Microphone:
        if refresh:
            refresh_devices()  # a device plugged in again gets a new entry
        microphone = Microphone(settings.device, realtime=True)
        microphone.open()
        return microphone

    return opener


def voice_conversation(
    settings: Settings,
    recognizer: Recognizer,
    speaker: Speaker | None,
    renderer: Renderer | None = None,
    save_replies: Path | None = None,
    *,
    advise_fn: AdviseFn = advise,
    opener: MicrophoneOpener | None = None,
    captions: TextIO | None = None,
    status: TextIO | None = None,
    transcript_log: TranscriptLog | None = None,
    timer: TurnTimer | None = None,
) -> VoiceConversation:
    """Open the devices and put the conversation together; a UserError names anything missing.

    ``renderer`` renders the saved replies (pyttsx3 when not given); it and the speaker follow
    the person's rate and volume changes. ``recognizer``, ``speaker`` and ``opener`` are the
    real adapters unless a test hands in a fault through the same interface.
    """
    saver = None
    if save_replies is not None:
        renderer = renderer or Synthesizer(settings.rate, settings.voice, settings.volume)
        saver = ReplySaver(save_replies, renderer)
    opener = opener or open_microphone(settings)
    notes = StatusNotes(sys.stderr if status is None else status)
    microphone = MicrophoneLink(opener, opener(False), notes)
    dialogue = Dialogue(settings, advise_fn)
    executor = Executor(
        dialogue=dialogue,
        mouth=VoiceMouth(speaker, recognizer, microphone, notes, timer),
        ears=VoiceEars(
            recognizer,
            microphone,
            lambda: dialogue.settings,
            notes,
            transcript_log,
            timer,
            on_first_listening=lambda: _warm_up(advise_fn),
        ),
        captions=sys.stdout if captions is None else captions,
        saver=saver,
        timer=timer,
    )
    return VoiceConversation(executor, microphone)


def _warm_up(advise_fn: AdviseFn) -> None:
    """Read the lexicon and build its index in the background, once listening has begun.

    Built before, it would hold back the greeting and the first "listening" by about half a
    second (it is Python work, and shares the interpreter with the speech engine's
    callbacks). The person takes longer than that to describe anything; a turn that is
    ready sooner waits for the build. A fault is not lost: that turn meets it again.
    """

    def warm() -> None:
        with contextlib.suppress(Exception):
            advise_fn("")

    threading.Thread(target=warm, name="warm-up", daemon=True).start()
