"""Runs the real listening loop on the virtual microphone, for the latency and soak benchmarks.

The person's side is espeak-ng speech written into a virtual ALSA microphone (see
support/virtual_audio.py), paced in real time like a real microphone; each utterance is followed by
a pause in which the assistant answers. The loop runs in a child process, as a user would run
it; this side watches its output and samples its memory and CPU from /proc.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from support import REPO
from support.audio import silence
from support.corpora import load
from support.speech import espeak_to_raw16k
from support.virtual_audio import make_virtual_audio

VOICE = "en-us+f1"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def corpus_texts(limit: int | None = None, step: int = 1) -> list[str]:
    """Utterances from the labelled corpus, every `step`-th one, at most `limit`."""
    texts = [item.text for item in load("corpus")][::step]
    return texts[:limit] if limit else texts


def spoken_session(texts: Sequence[str], gap: float, lead_in: float = 1.0) -> bytes:
    """The microphone's audio: a lead-in silence, each utterance, a gap; goodbye at the end."""
    audio = silence(lead_in)
    for text in [*texts, "goodbye"]:
        audio += espeak_to_raw16k(text, VOICE) + silence(gap)
    return audio


@dataclass
class Sample:
    """One look at the child process."""

    seconds: float
    """Since the child started."""
    rss_mb: float
    """Resident memory."""
    cpu_seconds: float
    """User plus system CPU time used so far."""


@dataclass
class LoopRun:
    """What one run of the loop showed."""

    exit_code: int
    """The child's exit code (0 after goodbye)."""
    captions: list[str]
    """Every line the assistant said, in order."""
    notes: list[tuple[float, str]]
    """Status notes ("listening", "heard: …") with the time since start they appeared."""
    samples: list[Sample] = field(default_factory=list)
    """Memory and CPU, sampled every `sample_every` seconds."""
    timings: list[dict[str, Any]] = field(default_factory=list)
    """Per-turn TurnTiming values, when asked for."""
    stderr_other: list[str] = field(default_factory=list)
    """Anything on stderr that is not a status note (warnings, tracebacks)."""

    def first_listening(self) -> float | None:
        """Seconds from start until the loop first listened."""
        return next((t for t, note in self.notes if note == "listening"), None)

    def heard(self) -> list[str]:
        """Every utterance the loop heard."""
        return [note.removeprefix("heard: ") for _, note in self.notes if note.startswith("heard")]

    def unanswered(self) -> int:
        """Heard turns after which the loop never listened again nor ended with goodbye."""
        pending = 0
        for _, note in self.notes:
            if note.startswith("heard"):
                pending += 1
            elif note == "listening":
                pending = 0
        return 0 if self.exit_code == 0 else pending


# The child: the real VoiceConversation, with per-turn timings when asked.
_CHILD = """
import contextlib, json, sys
from dataclasses import asdict
from pathlib import Path
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.speaker import AudioSpeaker
from assistant.adapters.vosk_asr import Transcriber
from assistant.app.listen import voice_conversation
from assistant.app.timing import TurnTimer
from assistant.core.settings import Settings

timings_path, safety_check = sys.argv[1], sys.argv[2] == "1"
# The benchmark pauses are not timeouts.
settings = Settings(no_speech_timeout=0, safety_check=safety_check)
synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
timer = TurnTimer() if timings_path else None
conversation = voice_conversation(
    settings, Transcriber.load(), AudioSpeaker(synthesizer), synthesizer, timer=timer
)
with contextlib.closing(conversation):
    code = conversation.run()
if timer is not None:
    Path(timings_path).write_text(json.dumps([asdict(t) for t in timer.turns]))
sys.exit(code)
"""


def run_loop(
    mic_audio: bytes,
    *,
    timings: bool = False,
    sample_every: float = 1.0,
    timeout: float = 3600,
    safety_check: bool = True,
) -> LoopRun:
    """Run the conversation over mic_audio to its goodbye; watch it from outside.

    ``safety_check`` False leaves out the question before the first advice, for benchmarks
    that time the answers to descriptions rather than hold a conversation.
    """
    with tempfile.TemporaryDirectory(prefix="loop-") as folder:
        devices = make_virtual_audio(Path(folder) / "devices", mic_audio, trailing_silence=5.0)
        env = {**devices.env, "THERAPY_ASSISTANT_CONFIG": str(Path(folder) / "settings.toml")}
        timings_path = str(Path(folder) / "timings.json") if timings else ""
        started = time.monotonic()
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, timings_path, "1" if safety_check else "0"],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        captions: list[str] = []
        notes: list[tuple[float, str]] = []
        other: list[str] = []
        assert child.stdout is not None and child.stderr is not None
        readers = [
            threading.Thread(target=_read_captions, args=(child.stdout, captions)),
            threading.Thread(target=_read_notes, args=(child.stderr, started, notes, other)),
        ]
        for reader in readers:
            reader.start()
        samples = []
        while child.poll() is None:
            if time.monotonic() - started > timeout:
                child.kill()
                break
            if (sample := _sample(child.pid, time.monotonic() - started)) is not None:
                samples.append(sample)
            time.sleep(sample_every)
        for reader in readers:
            reader.join()
        per_turn = (
            json.loads(Path(timings_path).read_text())
            if timings_path and Path(timings_path).exists()
            else []
        )
        return LoopRun(child.wait(), captions, notes, samples, per_turn, other)


def _read_captions(stream: IO[str], captions: list[str]) -> None:
    captions.extend(line.rstrip("\n") for line in stream)


def _read_notes(
    stream: IO[str], started: float, notes: list[tuple[float, str]], other: list[str]
) -> None:
    for line in stream:
        line = line.rstrip("\n")
        if line.startswith("… "):
            notes.append((time.monotonic() - started, line.removeprefix("… ")))
        elif line.strip():
            other.append(line)


def _sample(pid: int, seconds: float) -> Sample | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None  # the child has just ended
    cpu = (int(stat[11]) + int(stat[12])) / CLOCK_TICKS  # utime and stime
    return Sample(seconds, pages * PAGE_SIZE / 2**20, cpu)
