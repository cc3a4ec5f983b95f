"""Tests for assistant/app/typed.py: the conversation driven by typed lines."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.adapters.settings_file import CONFIG_ENV, load_settings
from assistant.adapters.vosk_asr import Transcriber
from assistant.app.typed import run_text
from assistant.core.advice import advise
from assistant.core.dialogue import (
    GOODBYE,
    GREETING,
    OFFER,
    OFFER_AFTER_MORE,
    SLOWER_DONE,
    STOPPED,
)
from assistant.core.settings import Settings
from support import REPO

KNEE = "i hurt my knee playing football"
CHECK = (
    "One safety check: do you have chest pain, trouble breathing, one-sided weakness or "
    "numbness, or an injury you cannot put weight on?"
)
"""The safety question before the first therapy advice, for KNEE (answered "no" below)."""


@pytest.fixture(autouse=True)
def private_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Never touch the real user's settings file."""
    path = tmp_path / "config" / "settings.toml"
    monkeypatch.setenv(CONFIG_ENV, str(path))
    return path


def run(lines: list[str]) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = run_text(lines, out, Settings())
    return code, out.getvalue().splitlines()


def test_knee_repeat_more_goodbye() -> None:
    code, printed = run([KNEE + "\n", "no\n", "repeat\n", "tell me more\n", "goodbye\n"])
    advice = advise(KNEE)
    assert advice.decision.recommendation == "physiotherapy"
    assert printed == [
        GREETING,
        CHECK,
        advice.reply.reply,
        OFFER,
        advice.reply.reply,
        OFFER,
        advice.reply.more,
        OFFER_AFTER_MORE,
        GOODBYE,
    ]
    assert code == 0


def test_end_of_input_without_goodbye_exits_zero() -> None:
    code, printed = run([KNEE, "no"])
    assert code == 0
    assert printed == [GREETING, CHECK, advise(KNEE).reply.reply, OFFER]


def test_blank_lines_are_not_utterances() -> None:
    _, printed = run(["", "   \n", KNEE, "  ", "no"])
    assert printed == [GREETING, CHECK, advise(KNEE).reply.reply, OFFER]


def test_nothing_is_read_after_goodbye() -> None:
    read: list[str] = []

    def lines() -> Iterator[str]:
        for line in ["bye", KNEE, "repeat"]:
            read.append(line)
            yield line

    out = io.StringIO()
    code = run_text(lines(), out, Settings())
    assert code == 0
    assert read == ["bye"]
    assert out.getvalue().splitlines() == [GREETING, GOODBYE]


@pytest.mark.slow
def test_every_spoken_line_is_voiced_and_captions_are_not(tmp_path: Path) -> None:
    folder = tmp_path / "replies"
    out = io.StringIO()
    run_text([KNEE, "stop", "bye"], out, Settings(), save_replies=folder)
    printed = out.getvalue().splitlines()
    assert STOPPED in printed
    assert len(list(folder.iterdir())) == len([line for line in printed if line != STOPPED])


def test_changed_settings_are_saved(private_config: Path) -> None:
    out = io.StringIO()
    run_text(["slower", "sounds off"], out, Settings(), settings_path=private_config)
    assert SLOWER_DONE in out.getvalue()
    assert load_settings(private_config) == (Settings(rate=150, earcons=False), None)


def test_settings_go_to_the_default_file_when_no_path_is_given(private_config: Path) -> None:
    run(["faster"])
    assert load_settings(private_config)[0].rate == 200


def test_failed_settings_save_warns_and_goes_on(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()  # a folder where the file should be: saving fails for real
    out, err = io.StringIO(), io.StringIO()
    code = run_text(["slower", KNEE, "no"], out, Settings(), settings_path=blocked, err=err)
    assert code == 0
    assert err.getvalue().startswith("Warning: Cannot save the settings")
    assert advise(KNEE).reply.reply in out.getvalue()


# --- saved replies: real speech synthesis ----------------------------------------------------


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.mark.slow
def test_save_replies_writes_one_wav_per_spoken_line(tmp_path: Path) -> None:
    folder = tmp_path / "replies"
    out = io.StringIO()
    run_text([KNEE, "no", "stop", "bye"], out, Settings(), save_replies=folder)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "001-greeting.wav", "002-prompt.wav", "003-reply.wav", "004-prompt.wav", "005-goodbye.wav"
    ]  # fmt: skip
    assert all(wav_seconds(folder / name) > 0.5 for name in names)


@pytest.mark.slow
def test_saved_replies_follow_a_rate_change(tmp_path: Path) -> None:
    folder = tmp_path / "replies"
    run_text(
        ["repeat", "slower", "slower", "repeat"], io.StringIO(), Settings(), save_replies=folder
    )
    first, later = folder / "002-greeting.wav", folder / "005-greeting.wav"
    assert wav_seconds(later) > wav_seconds(first) * 1.15


@pytest.mark.slow
def test_saved_greeting_says_the_greeting(tmp_path: Path, transcriber: Transcriber) -> None:
    folder = tmp_path / "replies"
    run_text([], io.StringIO(), Settings(), save_replies=folder)
    heard = transcriber.transcribe_file(folder / "001-greeting.wav").text
    assert "what is bothering you" in heard
    assert "massage therapy" in heard


# --- through the real command line -----------------------------------------------------------


def cli_listen_text(stdin: str, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, CONFIG_ENV: str(config), "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "assistant", "listen", "--text", "--mute"],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def test_command_line_knee_repeat_more_goodbye(private_config: Path) -> None:
    result = cli_listen_text(f"{KNEE}\nno\nrepeat\ntell me more\ngoodbye\n", private_config)
    advice = advise(KNEE)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        GREETING,
        CHECK,
        advice.reply.reply,
        OFFER,
        advice.reply.reply,
        OFFER,
        advice.reply.more,
        OFFER_AFTER_MORE,
        GOODBYE,
    ]


def test_command_line_keeps_a_slower_rate_for_next_time(private_config: Path) -> None:
    assert cli_listen_text("slower\nbye\n", private_config).returncode == 0
    assert load_settings(private_config)[0].rate == 150
    assert cli_listen_text("slower\n", private_config).returncode == 0
    assert load_settings(private_config)[0].rate == 125


def test_command_line_warns_once_about_a_corrupt_settings_file(private_config: Path) -> None:
    private_config.parent.mkdir(parents=True)
    private_config.write_text("rate = = 1\n")
    result = cli_listen_text("bye\n", private_config)
    assert result.returncode == 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid TOML" in result.stderr
    assert private_config.read_text() == "rate = = 1\n"
