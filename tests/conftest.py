"""Fixtures shared by the whole suite."""

from __future__ import annotations

import pytest

from assistant.adapters.vosk_asr import Transcriber


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    """The real small English Vosk model, loaded once for the session: the general model, on
    which the suite's hearing floors were measured (the adapted one: tests/test_model_adapt.py)."""
    return Transcriber.load_general()
