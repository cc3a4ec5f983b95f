"""One whole conversation between a simulated patient and the real voice loop.

The assistant runs as a child process, ``python -m assistant listen``, exactly as a user starts
it: real sounddevice streams on the virtual ALSA devices (support/virtual_audio.py), real Vosk,
real pyttsx3 replies to the virtual speaker, captions on stdout and status notes ("… listening",
"… heard: …") on stderr. This side is the patient: on each "listening" it reads the captions of
the assistant's turn, decides what to say (support/patient.py), speaks it with a test voice of
support/voices.py into the live microphone (support/live_microphone.py) in real time, and waits
for the next turn.

Captions and notes come on two pipes; one reader takes both in the order they were written:
each caption is flushed before the "listening" that follows it, so whatever stdout holds when a
note is read came first.
"""

from __future__ import annotations

import os
import queue
import selectors
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from support import REPO
from support.audio import Samples
from support.live_microphone import LiveMicrophone, noise_level
from support.patient import Patient
from support.patients import Scenario
from support.virtual_audio import make_virtual_audio
from support.voices import Voice

NOTE = "… "
"""How the loop's status notes start (assistant/app/voice.py's StatusNotes)."""
REACTION_SECONDS = 0.3
"""The patient's pause between the assistant's "listening" and its first word."""
TIMEOUT_SECONDS = 300.0
"""A conversation still going after this long is stopped and counted as failed."""


Who = Literal["assistant", "patient", "heard", "note", "other"]


@dataclass(frozen=True)
class Line:
    """One line of the conversation's transcript."""

    seconds: float
    """Since the child started."""
    who: Who
    """The assistant's caption, the patient's words, what the loop heard, a status note, or
    anything else the child printed (warnings)."""
    text: str
    """The words."""


@dataclass
class Conversation:
    """What happened in one conversation."""

    scenario: Scenario
    """The patient."""
    voice: str
    """The test voice's name."""
    snr_db: float | None
    """Background noise under the patient's speech; None: a silent room."""
    patient: Patient
    """The patient as the conversation left it (what it said and heard)."""
    transcript: list[Line] = field(default_factory=list)
    """Everything said, heard and noted, in order."""
    exit_code: int | None = None
    """The child's exit code; None when it had to be stopped."""
    seconds: float = 0.0
    """How long the conversation took."""

    @property
    def success(self) -> bool:
        """The conversation ended on the right advice (for a red flag, at its urgency)."""
        final = self.patient.final
        return (
            final is not None
            and final.recommendation in self.scenario.advice
            and final.urgency == self.scenario.urgency
        )

    @property
    def wrong_uncorrected(self) -> bool:
        """The patient left with advice that was wrong (not "still unclear": advice)."""
        final = self.patient.final
        return final is not None and final.recommendation != "unclear" and not self.success

    def text(self) -> str:
        """The transcript as text, one line each."""
        tags = {"assistant": "A", "patient": "P", "heard": "  heard", "note": "  …", "other": "  !"}
        return "\n".join(f"{line.seconds:6.1f}  {tags[line.who]}: {line.text}"
                         for line in self.transcript)  # fmt: skip


class SpeechCache:
    """The test voices' speech, made once per voice and text (shared by parallel runs)."""

    def __init__(self) -> None:
        self._made: dict[tuple[str, str], Samples] = {}
        self._lock = threading.Lock()

    def speak(self, voice: Voice, text: str) -> Samples:
        """``voice`` saying ``text``."""
        key = (voice.name, text)
        with self._lock:
            if key not in self._made:
                self._made[key] = voice.speak(text)
            return self._made[key]


def run_conversation(
    scenario: Scenario,
    voice: Voice,
    snr_db: float | None = None,
    *,
    seed: int = 0,
    cache: SpeechCache | None = None,
    timeout: float = TIMEOUT_SECONDS,
    patient: Patient | None = None,
    model: Path | None = None,
) -> Conversation:
    """Hold one conversation with the real loop until the patient's goodbye ends it
    (``patient``: one made for ``scenario`` with other habits; by default the plain one;
    ``model``: a Vosk model folder to hear with instead of the product's choice)."""
    cache = cache or SpeechCache()
    # The noise level is set once, from the patient's first words: an SNR over its speech.
    noise = noise_level(cache.speak(voice, scenario.description), snr_db) if snr_db else 0.0
    conversation = Conversation(scenario, voice.name, snr_db, patient or Patient(scenario))
    with tempfile.TemporaryDirectory(prefix="patient-") as folder:
        devices = make_virtual_audio(Path(folder) / "devices", mic_fifo=True, speaker_discard=True)
        env = {**devices.env, "THERAPY_ASSISTANT_CONFIG": str(Path(folder) / "settings.toml")}
        model_option = ["--model", str(model)] if model is not None else []
        with LiveMicrophone(devices.mic_input, noise, seed) as microphone:
            started = time.monotonic()
            child = subprocess.Popen(
                [sys.executable, "-m", "assistant", *model_option, "listen"],
                env=env, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                _converse(conversation, child, microphone, voice, cache, started, timeout)
            finally:
                if child.poll() is None:
                    child.kill()
                conversation.exit_code = child.wait()
                if conversation.exit_code < 0:
                    conversation.exit_code = None  # killed: it never ended by itself
                conversation.seconds = time.monotonic() - started
    return conversation


def _converse(
    conversation: Conversation,
    child: subprocess.Popen[bytes],
    microphone: LiveMicrophone,
    voice: Voice,
    cache: SpeechCache,
    started: float,
    timeout: float,
) -> None:
    assert child.stdout is not None and child.stderr is not None
    lines: queue.Queue[tuple[str, str] | None] = queue.Queue()
    reader = threading.Thread(
        target=_read_in_order, args=(child.stdout.fileno(), child.stderr.fileno(), lines),
        daemon=True,
    )  # fmt: skip
    reader.start()
    patient = conversation.patient
    turn: list[str] = []  # the assistant's lines since the patient last spoke

    def log(who: Who, text: str) -> None:
        conversation.transcript.append(Line(time.monotonic() - started, who, text))

    while True:
        left = started + timeout - time.monotonic()
        try:
            item = lines.get(timeout=max(0.0, left))
        except queue.Empty:
            log("other", f"stopped after {timeout:.0f} s")
            return
        if item is None:
            return  # the child has ended
        stream, line = item
        if stream == "out":
            # A caption while the patient is still talking: it was heard so far, and stops to
            # listen, as people do.
            if microphone.speaking():
                microphone.hush()
            log("assistant", line)
            turn.append(line)
            continue
        if not line.startswith(NOTE):
            log("other", line)
            continue
        note = line.removeprefix(NOTE)
        if note.startswith("heard: "):
            log("heard", note.removeprefix("heard: "))
        elif note == "listening":
            said = patient.respond(turn)
            turn = []
            log("patient", said)
            speech = cache.speak(voice, said)
            time.sleep(REACTION_SECONDS)
            microphone.say(speech)
        else:
            log("note", note)


def _read_in_order(out: int, err: int, lines: queue.Queue[tuple[str, str] | None]) -> None:
    """Both pipes' lines, in the order written: after each read of stderr, stdout is read for
    what it holds, and its lines go first (they were flushed before the note was written)."""
    pending = {out: b"", err: b""}
    names = {out: "out", err: "err"}
    open_fds = {out, err}
    with selectors.DefaultSelector() as selector:
        for fd in open_fds:
            os.set_blocking(fd, False)
            selector.register(fd, selectors.EVENT_READ)
        while open_fds:
            selector.select()
            for fd in [fd for fd in (err, out) if fd in open_fds]:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(fd)
                    open_fds.discard(fd)
                pending[fd] += chunk
            # stdout first: whatever it holds now was written before the note just read.
            for fd in (out, err):
                *complete, pending[fd] = pending[fd].split(b"\n")
                for raw in complete:
                    if raw.strip():
                        lines.put((names[fd], raw.decode("utf-8", "replace")))
    lines.put(None)


def cpu_count() -> int:
    """Cores this process may use."""
    return len(os.sched_getaffinity(0))
