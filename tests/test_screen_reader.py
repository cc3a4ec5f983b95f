"""Tests for assistant/adapters/screen_reader.py with real processes: a program named as Orca
names itself, and a real client connected to the session's speech-dispatcher."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from assistant.adapters.screen_reader import (
    dispatcher_clients,
    orca_running,
    someone_listening,
)
from support.speech_dispatcher import PrivateDispatcher

SYSTEM_PYTHON = "/usr/bin/python3"
"""Debian's Python, which imports its own speechd client as any screen reader would."""


def test_a_running_orca_is_found_by_its_name(orca: subprocess.Popen[bytes]) -> None:
    found = orca_running()
    assert found is not None and found.pid == orca.pid and found.is_orca
    assert someone_listening(Path("/nonexistent.sock")) == found


def test_no_orca_once_it_has_ended(orca: subprocess.Popen[bytes]) -> None:
    orca.terminate()
    orca.wait(timeout=5)
    assert orca_running() is None


@pytest.mark.slow
def test_another_client_of_the_daemon_is_found(dispatcher: PrivateDispatcher) -> None:
    assert dispatcher_clients(dispatcher.socket) == []  # our own connections do not count
    client = subprocess.Popen(
        [SYSTEM_PYTHON, "-c",
         "import sys, time, speechd\n"
         "client = speechd.SSIPClient('reader', address=sys.argv[1], autospawn=False)\n"
         "print('connected', flush=True)\n"
         "time.sleep(60)\n",
         dispatcher.address],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert client.stdout is not None and client.stdout.readline() == b"connected\n"
        found = dispatcher_clients(dispatcher.socket)
        assert [listener.pid for listener in found] == [client.pid]
        assert not found[0].is_orca
        assert someone_listening(dispatcher.socket) == found[0]
    finally:
        client.terminate()
        client.wait(timeout=5)
    time.sleep(0.2)  # the daemon closes its end
    assert dispatcher_clients(dispatcher.socket) == []
