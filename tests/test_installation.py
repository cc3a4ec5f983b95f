"""Tests for assistant/adapters/installation.py: a checkout is told from an installed package."""

from __future__ import annotations

from assistant.adapters.installation import PROGRAM, checkout_dir, command
from support import REPO


def test_this_checkout_is_recognised_as_one() -> None:
    assert checkout_dir() == REPO


def test_commands_are_named_as_they_are_run_here() -> None:
    assert command("model install") == "python -m assistant model install"
    assert PROGRAM == "therapy-assistant"  # the console script; tests/test_package.py runs it
