"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.adapters.screen_reader import ORCA
from assistant.adapters.vosk_asr import Transcriber
from support.speech_dispatcher import MonitorRecorder, PrivateDispatcher, private_dispatcher


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The real small English Vosk model, loaded once for the session: the general model, on
    which the suite's hearing floors were measured (the adapted one: tests/test_model_adapt.py)."""
    return Transcriber.load_general()


@pytest.fixture(scope="session")
def dispatcher() -> Iterator[PrivateDispatcher]:
    """The real speech-dispatcher daemon (espeak-ng module), private to this session, speaking
    into a PulseAudio null sink in real time; stopped and removed at the end."""
    with private_dispatcher("pulse") as running:
        yield running


@pytest.fixture(scope="session")
def sink(dispatcher: PrivateDispatcher) -> Iterator[MonitorRecorder]:
    """What the session's daemon plays, recorded from the null sink's monitor."""
    recorder = MonitorRecorder(dispatcher)
    yield recorder
    recorder.close()


@pytest.fixture(scope="session")
def dispatcher_to_file() -> Iterator[PrivateDispatcher]:
    """A second private daemon that writes what it speaks to a file as fast as it is made:
    what it said, free of the scheduling hiccups of a shared machine."""
    with private_dispatcher("file") as running:
        yield running


@pytest.fixture
def orca(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A running process named "orca", as the real screen reader's is."""
    program = tmp_path / ORCA
    program.symlink_to(shutil.which("sleep") or "/bin/sleep")
    process = subprocess.Popen([str(program), "60"])
    # Popen returns once exec has begun, but the kernel renames the process a moment later:
    # wait for the name, as a real Orca would long have it before the assistant starts.
    comm = Path(f"/proc/{process.pid}/comm")
    deadline = time.monotonic() + 10
    while comm.read_text().strip() != ORCA:
        assert time.monotonic() < deadline, "the stand-in Orca never took its name"
        time.sleep(0.01)
    yield process
    process.terminate()
    process.wait(timeout=5)
