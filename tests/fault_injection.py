"""Faults injected into the real voice conversation, for tests/test_listen_faults.py.

The Faulty*/Fake* wrappers hold the real engines and break once, on purpose, where the real
ones cannot be made to break on demand: a recogniser or a speech engine raising mid-turn, the
advice raising (an internal fault), a recogniser too slow for the microphone. Everything else is
real: the Vosk model, pyttsx3 with espeak-ng, and sounddevice streams on the virtual ALSA devices
of tests/virtual_mic.py.

A scenario runs in a fresh interpreter started with the devices' environment (ALSA reads its
configuration when PortAudio starts), built like ``VoiceConversation.start``:

    python -c "from tests.fault_injection import main; main()" SCENARIO FOLDER

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPEAKER_RATE = 22050
"""The rate espeak-ng and the tones play at, so the speaker's stream runs at it."""


class FaultInjected(RuntimeError):
    """The error a Faulty* wrapper raises on purpose."""


class FaultyStreamRecognizer:
    """A real StreamRecognizer that raises once, as soon as it has started hearing words, or
    (`broken`) on every frame."""

    def __init__(self, real: Any, fault: threading.Event, broken: bool = False) -> None:
        self.real = real
        self.fault = fault  # shared: set once the fault has been injected
        self.broken = broken

    def accept(self, frame: bytes) -> Any:
        if self.broken:
            raise FaultInjected("fault_recogniser: the recogniser is broken")
        utterance = self.real.accept(frame)
        if not self.fault.is_set() and self.real.partial():
            self.fault.set()
            raise FaultInjected("fault_recogniser: the recogniser failed mid-utterance")
        return utterance

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class FaultyTranscriber:
    """The real Transcriber whose first open (non-grammar) recogniser fails mid-utterance, or
    (`broken`) whose open recognisers all fail."""

    def __init__(self, real: Any, broken: bool = False) -> None:
        self.real = real
        self.fault = threading.Event()
        self.broken = broken

    def stream(self, grammar: Any = None, end_silence: float = 0.8) -> Any:
        stream = self.real.stream(grammar=grammar, end_silence=end_silence)
        if grammar is None and (self.broken or not self.fault.is_set()):
            return FaultyStreamRecognizer(stream, self.fault, self.broken)
        return stream


class FakeSlowStreamRecognizer:
    """A real StreamRecognizer behind a consumer that is too slow for the microphone for a while.

    Each frame costs `delay` seconds of wall time until `slow_frames` frames have been fed (all
    recognisers share the count), as when the machine is busy.
    """

    def __init__(self, real: Any, budget: list[int], delay: float) -> None:
        self.real = real
        self.budget = budget
        self.delay = delay

    def accept(self, frame: bytes) -> Any:
        if self.budget[0] > 0:
            self.budget[0] -= 1
            time.sleep(self.delay)
        return self.real.accept(frame)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class FakeSlowTranscriber:
    """The real Transcriber whose open recognisers are slow for the first frames."""

    def __init__(self, real: Any, slow_frames: int, delay: float) -> None:
        self.real = real
        self.budget = [slow_frames]
        self.delay = delay

    def stream(self, grammar: Any = None, end_silence: float = 0.8) -> Any:
        stream = self.real.stream(grammar=grammar, end_silence=end_silence)
        if grammar is None:
            return FakeSlowStreamRecognizer(stream, self.budget, self.delay)
        return stream


class FaultySynthesizer:
    """The real Synthesizer, failing once on the first reply (replies are never cached)."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.failed = False

    def synthesize(self, text: str, *, cache: bool = False) -> Any:
        if not cache and not self.failed:
            self.failed = True
            raise FaultInjected("fault_speech: the speech engine failed")
        return self.real.synthesize(text, cache=cache)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class FaultyAdvise:
    """The real advice function, raising once on the first description (an internal fault)."""

    def __init__(self, real: Callable[[str], Any]) -> None:
        self.real = real
        self.failed = False

    def __call__(self, text: str) -> Any:
        if not self.failed:
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
    """Hold one conversation with the fault named by `scenario`; return what happened."""
    speaker_fifo = folder / "speaker_output.raw"
    recorder = None
    if speaker_fifo.is_fifo():  # before PortAudio starts: it opens the device to probe it
        recorder = SpeakerRecorder(speaker_fifo, realtime=scenario == "barge_in")

    from assistant.advice import advise
    from assistant.asr import Transcriber
    from assistant.audio import Microphone
    from assistant.dialogue import Dialogue
    from assistant.listen import Speaker, VoiceConversation
    from assistant.settings import Settings

    settings = Settings(earcons=scenario != "barge_in")
    real = Transcriber.load()
    transcriber: Any = real
    advice: Callable[[str], Any] = advise
    speaker = None
    microphone = Microphone(settings.device, realtime=True)
    if scenario == "recognizer":
        transcriber = FaultyTranscriber(real)
    elif scenario == "broken":
        transcriber = FaultyTranscriber(real, broken=True)
    elif scenario == "internal":
        advice = FaultyAdvise(advise)
    elif scenario == "overflow":
        # A live device cannot be held back: a full queue drops frames. 12 slow frames take
        # 9.6 s, in which the microphone delivers 96 into a queue of 10. After that the
        # queue still leaves a second of slack for a busy machine.
        microphone = Microphone(settings.device, queue_frames=10, throttle=False, realtime=True)
        transcriber = FakeSlowTranscriber(real, slow_frames=12, delay=0.8)
    elif scenario in ("speech", "barge_in"):
        speaker = Speaker(settings)
        if scenario == "speech":
            speaker.synthesizer = FaultySynthesizer(speaker.synthesizer)  # type: ignore[assignment]
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    microphone.open()
    captions, notes = io.StringIO(), io.StringIO()
    conversation = VoiceConversation(
        Dialogue(settings, advice), transcriber, microphone, speaker, None,
        out=captions, status=notes,
    )  # fmt: skip
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
        "overflows": microphone.overflows,
        "dropped": microphone.dropped_frames,
        "played_seconds": played,
    }


def main() -> None:
    """Command-line entry: SCENARIO FOLDER."""
    scenario, folder = sys.argv[1], Path(sys.argv[2])
    result = run_scenario(scenario, folder)
    (folder / "result.json").write_text(json.dumps(result, indent=1))
