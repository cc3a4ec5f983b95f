"""The ask command, run as a user would: `python -m assistant ask ...` in a subprocess."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.app.ask import add_arguments, run
from assistant.core.advice import advise
from assistant.core.errors import UserError
from support.cli_run import ASK_JSON_KEYS, ASK_WAV_JSON_KEYS, ROOT, assert_one_line_error, run_cli
from support.speech import espeak_wav_file

KEYS = ASK_JSON_KEYS


def test_text_prints_the_reply() -> None:
    result = run_cli("ask", "--mute", "i", "sprained", "my", "ankle")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Because you mentioned you sprained your ankle, physiotherapy")
    assert result.stdout.strip().endswith("not a diagnosis.")


def test_stdin_answers_each_line_in_order_with_exactly_the_json_fields() -> None:
    lines = ["i have crushing chest pain", "", "i'm so stressed at work", "what time is it"]
    result = run_cli("ask", "--json", "--stdin", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in objects] == lines
    assert all(list(o) == KEYS for o in objects)
    assert [o["recommendation"] for o in objects] == [
        "see_doctor",
        "unclear",
        "massage_therapy",
        "unclear",
    ]
    assert objects[0]["urgency"] == "emergency" and objects[0]["red_flags"] == ["heart_attack"]
    assert objects[0]["reply"].startswith("Call emergency services now.")
    assert all(o["transcript"] is None for o in objects)
    assert objects[2]["concerns"] == ["stress"]


def test_stdin_without_json_prints_one_reply_per_line() -> None:
    result = run_cli("ask", "--stdin", "--mute", stdin="i tore my hamstring\ni can't sleep\n")
    assert result.returncode == 0, result.stderr
    replies = result.stdout.splitlines()
    assert len(replies) == 2
    assert "physiotherapy" in replies[0] and "massage therapy" in replies[1]


def test_stdin_that_is_not_utf8_is_still_answered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "--stdin"],
        input=b"caf\xff\xfe stressed\n",
        capture_output=True,
        cwd=ROOT,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["recommendation"] == "massage_therapy"


def test_wav_files_are_transcribed_then_decided_in_order(tmp_path: Path) -> None:
    ankle = espeak_wav_file("I sprained my ankle playing football.", tmp_path / "ankle.wav")
    chest = espeak_wav_file("I have crushing chest pain.", tmp_path / "chest.wav")
    result = run_cli("ask", "--json", "--wav", str(ankle), str(chest))
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    for obj in (first, second):
        assert list(obj) == ASK_WAV_JSON_KEYS
        assert obj["alternatives"][0] == obj["text"]
        assert set(obj["possible_red_flags"]).isdisjoint(obj["red_flags"])
        assert obj["transcript"] and obj["text"] == obj["transcript"]
        assert obj["recommendation"] == advise(obj["transcript"]).decision.recommendation
    assert "ankle" in first["transcript"] and first["recommendation"] == "physiotherapy"
    assert "chest" in second["transcript"] and second["urgency"] == "emergency"


def test_a_missing_wav_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("ask", "--wav", str(tmp_path / "nope.wav"))
    assert_one_line_error(result, "nope.wav", "does not exist")


def test_a_file_that_is_not_a_wav_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_text("this is not audio")
    assert_one_line_error(run_cli("ask", "--json", "--wav", str(bogus)), "notes.wav")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "nothing to decide on"),
        (("hello", "--stdin"), "only one of"),
    ],
)
def test_wrong_usage_is_one_line_and_exit_2(args: tuple[str, ...], fragment: str) -> None:
    assert_one_line_error(run_cli("ask", *args, stdin=""), fragment)


def test_speaking_either_works_or_fails_in_one_line() -> None:
    # Without --mute the reply is printed first, then spoken; no sound card is a clear error.
    result = run_cli("ask", "i", "can't", "sleep")
    assert "Traceback" not in result.stderr
    assert result.stdout.startswith("Because you mentioned you can't sleep")
    if result.returncode != 0:
        assert_one_line_error(result)


def test_importing_ask_does_not_load_the_engines() -> None:
    code = (
        "import sys, assistant.app.ask; "
        "print(sorted(m for m in ('vosk', 'pyttsx3', 'numpy', 'sounddevice') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip() == "[]"


def test_run_checks_its_arguments_before_doing_anything() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(UserError, match="nothing to decide on"):
        run(parser.parse_args([]))
    with pytest.raises(UserError, match="only one of"):
        run(parser.parse_args(["hi", "--wav", "x.wav"]))


def test_run_prints_json_for_text(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert run(parser.parse_args(["--json", "my", "knees", "ache"])) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["text"], data["recommendation"], data["concerns"]) == (
        "my knees ache",
        "unclear",
        ["pain"],
    )
