"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from assistant.adapters.vosk_asr import Transcriber


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The real small English Vosk model, loaded once for the session."""
    return Transcriber.load()
