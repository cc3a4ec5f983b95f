"""Faults injected into the real voice conversation, for tests/test_listen_faults.py.

Each fault is a small object that implements one of the app's interfaces
(:mod:`assistant.app.ports`) around the real part, and breaks on purpose where the real one
cannot be made to break on demand: a recogniser raising mid-utterance or on every frame, a
recogniser too slow for the microphone, the speech engine raising on a reply, the advice raising
(an internal fault). Everything else is real: the Vosk model, pyttsx3 with espeak-ng, and
sounddevice streams on the virtual ALSA devices of support/virtual_audio.py.

A scenario runs in a fresh interpreter started with the devices' environment (ALSA reads its
configuration when PortAudio starts); the faults are handed to the conversation in that process:

    python -c "from support.faults import main; main()" SCENARIO FOLDER

It writes FOLDER/result.json: the exit code, the captions, the status notes, the microphone's
overflow counters and how much sound reached the speaker (saved in FOLDER/speaker.raw).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.adapters.sound import SPEECH_RATE, Spoken, SpokenAudio
from assistant.adapters.vosk_asr import Transcript
from assistant.app.ports import LiveRecognizer, Recognizer, Speaker
from assistant.core.advice import Advice
from assistant.core.events import Say
from assistant.core.settings import Settings

SPEAKER_RATE = SPEECH_RATE
"""The rate espeak-ng and the tones play at, so the speaker's stream runs at it."""


class FaultInjected(RuntimeError):
    """The error a fault raises on purpose."""


class _AroundLiveRecognizer:
    """A real live recognition; a fault overrides ``accept`` and passes the rest through."""

    def __init__(self, real: LiveRecognizer) -> None:
        self.real = real

    def accept(self, frame: bytes) -> Transcript | None:
        return self.real.accept(frame)

    def partial(self) -> str:
        return self.real.partial()

    def flush(self) -> Transcript | None:
        return self.real.flush()

    def reset(self) -> None:
        self.real.reset()


class FaultyLiveRecognizer(_AroundLiveRecognizer):
    """A real live recognition that raises once, as soon as it has started hearing words, or
    (``broken``) on every frame."""

    def __init__(self, real: LiveRecognizer, fault: threading.Event, broken: bool) -> None:
        super().__init__(real)
        self.fault = fault  # shared: set once the fault has been injected
        self.broken = broken

    def accept(self, frame: bytes) -> Transcript | None:
        if self.broken:
            raise FaultInjected("fault_recogniser: the recogniser is broken")
        utterance = self.real.accept(frame)
        if not self.fault.is_set() and self.real.partial():
            self.fault.set()
            raise FaultInjected("fault_recogniser: the recogniser failed mid-utterance")
        return utterance


class FaultyRecognizer:
    """The real model whose first open (non-grammar) recognition fails mid-utterance, or
    (``broken``) whose open recognitions all fail."""

    def __init__(self, real: Recognizer, broken: bool = False) -> None:
        self.real = real
        self.fault = threading.Event()
        self.broken = broken

    def stream(
        self,
        grammar: Sequence[str] | None = None,
        end_silence: float = 0.8,
        alternatives: int = 0,
        silence_needed: Callable[[str], float] | None = None,
    ) -> LiveRecognizer:
        stream = self.real.stream(grammar, end_silence, alternatives, silence_needed)
        if grammar is None and (self.broken or not self.fault.is_set()):
            return FaultyLiveRecognizer(stream, self.fault, self.broken)
        return stream


class SlowLiveRecognizer(_AroundLiveRecognizer):
    """A real live recognition behind a consumer too slow for the microphone for a while.

    Each frame costs ``delay`` seconds of wall time until ``budget[0]`` frames have been fed (all
    recognitions share the count), as when the machine is busy.
    """

    def __init__(self, real: LiveRecognizer, budget: list[int], delay: float) -> None:
        super().__init__(real)
        self.budget = budget
        self.delay = delay

    def accept(self, frame: bytes) -> Transcript | None:
        if self.budget[0] > 0:
            self.budget[0] -= 1
            time.sleep(self.delay)
        return self.real.accept(frame)


class SlowRecognizer:
    """The real model whose open recognitions are slow for the first ``slow_frames`` frames."""

    def __init__(self, real: Recognizer, slow_frames: int, delay: float) -> None:
        self.real = real
        self.budget = [slow_frames]
        self.delay = delay

    def stream(
        self,
        grammar: Sequence[str] | None = None,
        end_silence: float = 0.8,
        alternatives: int = 0,
        silence_needed: Callable[[str], float] | None = None,
    ) -> LiveRecognizer:
        stream = self.real.stream(grammar, end_silence, alternatives, silence_needed)
        if grammar is None:
            return SlowLiveRecognizer(stream, self.budget, self.delay)
        return stream


class FaultySpeaker:
    """The real speaker, whose speech engine fails once, on the first reply."""

    def __init__(self, real: Speaker) -> None:
        self.real = real
        self.failed = False

    def speak(self, say: Say) -> Spoken:
        if say.kind == "reply" and not self.failed:
            self.failed = True
            raise FaultInjected("fault_speech: the speech engine failed")
        return self.real.speak(say)

    def play(self, audio: SpokenAudio) -> bool:
        return self.real.play(audio)

    @property
    def first_block_at(self) -> float | None:
        return self.real.first_block_at

    def stop(self) -> None:
        self.real.stop()

    def follow(self, settings: Settings) -> None:
        self.real.follow(settings)


class FaultyAdvise:
    """The real advice function, raising once on the first description (an internal fault)."""

    def __init__(self, real: Callable[[str], Advice]) -> None:
        self.real = real
        self.failed = False

    def __call__(self, text: str) -> Advice:
        if text and not self.failed:
            self.failed = True
            raise FaultInjected("fault_advice: deciding failed")
        return self.real(text)


class SpeakerRecorder:
    """Reads the virtual speaker's FIFO in a thread, keeping everything played.

    With `realtime`, reads no faster than a sound card plays (16-bit mono at SPEAKER_RATE), so
    playback takes real time; otherwise as fast as the player writes. Reopens the FIFO after
    each stream ends (PortAudio probes the device, and every reply opens a new stream).
    """

    def __init__(self, path: Path, realtime: bool) -> None:
        self.path = path
        self.realtime = realtime
        self.data = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = 2 * SPEAKER_RATE // 50  # 20 ms of sound
        while not self._stop.is_set():
            with open(self.path, "rb", buffering=0) as fifo:
                started, taken = time.monotonic(), 0
                while chunk := fifo.read(step):
                    self.data.extend(chunk)
                    taken += len(chunk)
                    if self.realtime:
                        ahead = taken / (2 * SPEAKER_RATE) - (time.monotonic() - started)
                        if ahead > 0:
                            time.sleep(ahead)

    def close(self) -> None:
        """Stop reading; wakes the thread if it waits for the next stream."""
        self._stop.set()
        # If the reader is inside a stream instead, it sees the flag when that stream ends.
        with contextlib.suppress(OSError):
            os.close(os.open(self.path, os.O_WRONLY | os.O_NONBLOCK))
        self._thread.join(timeout=5)

    @property
    def seconds(self) -> float:
        """How much sound was played so far."""
        return len(self.data) / (2 * SPEAKER_RATE)


def run_scenario(scenario: str, folder: Path) -> dict[str, Any]:
    """Hold one conversation with the fault named by ``scenario``; return what happened."""
    speaker_fifo = folder / "speaker_output.raw"
    recorder = None
    if speaker_fifo.is_fifo():  # before PortAudio starts: it opens the device to probe it
        recorder = SpeakerRecorder(speaker_fifo, realtime=scenario == "barge_in")

    from assistant.adapters.microphone import Microphone
    from assistant.adapters.pyttsx3_speech import Synthesizer
    from assistant.adapters.speaker import AudioSpeaker
    from assistant.adapters.vosk_asr import Transcriber
    from assistant.app.listen import voice_conversation
    from assistant.core.advice import advise

    # The barge-in scenario times "stop" against the reply, so its safety check is off (the
    # check's own spoken turns are tested in tests/test_voice.py).
    settings = Settings(earcons=scenario != "barge_in", safety_check=scenario != "barge_in")
    real = Transcriber.load()
    recognizer: Recognizer = real
    advice: Callable[[str], Advice] = advise
    speaker: Speaker | None = None
    synthesizer = None
    microphone_options: dict[str, Any] = {}
    if scenario == "recognizer":
        recognizer = FaultyRecognizer(real)
    elif scenario == "broken":
        recognizer = FaultyRecognizer(real, broken=True)
    elif scenario == "internal":
        advice = FaultyAdvise(advise)
    elif scenario == "overflow":
        # A live device cannot be held back: a full queue drops frames. 12 slow frames take
        # 9.6 s, in which the microphone delivers 96 into a queue of 10. After that the
        # queue still leaves a second of slack for a busy machine.
        microphone_options = {"queue_frames": 10, "throttle": False}
        recognizer = SlowRecognizer(real, slow_frames=12, delay=0.8)
    elif scenario in ("speech", "barge_in"):
        synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
        speaker = AudioSpeaker(synthesizer)
        if scenario == "speech":
            speaker = FaultySpeaker(speaker)
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    opened: list[Microphone] = []

    def open_microphone(refresh: bool) -> Microphone:
        microphone = Microphone(settings.device, realtime=True, **microphone_options)
        microphone.open()
        opened.append(microphone)
        return microphone

    captions, notes = io.StringIO(), io.StringIO()
    conversation = voice_conversation(
        settings, recognizer, speaker, synthesizer, advise_fn=advice, opener=open_microphone,
        captions=captions, status=notes,
    )  # fmt: skip
    with contextlib.closing(conversation):
        code = conversation.run()
    played = 0.0
    if recorder is not None:
        recorder.close()
        played = recorder.seconds
        (folder / "speaker.raw").write_bytes(bytes(recorder.data))
    return {
        "exit": code,
        "captions": captions.getvalue().splitlines(),
        "notes": notes.getvalue().splitlines(),
        "overflows": opened[-1].overflows,
        "dropped": opened[-1].dropped_frames,
        "played_seconds": played,
    }


def main() -> None:
    """Command-line entry: SCENARIO FOLDER."""
    scenario, folder = sys.argv[1], Path(sys.argv[2])
    result = run_scenario(scenario, folder)
    (folder / "result.json").write_text(json.dumps(result, indent=1))
