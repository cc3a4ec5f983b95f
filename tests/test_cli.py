"""The command line as a user runs it: transcribe, usage errors, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.audio import header_only_wav
from support.cli_run import assert_one_line_error, run_cli
from support.speech import espeak_wav_file


def test_transcribe_prints_one_line_per_file(tmp_path: Path) -> None:
    knee = espeak_wav_file("I am recovering from knee surgery", tmp_path / "knee.wav")
    sleep = espeak_wav_file("I cannot sleep at night", tmp_path / "sleep.wav")
    result = run_cli("transcribe", str(knee), str(sleep))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert {"knee", "surgery"} <= set(lines[0].split())
    assert "sleep" in lines[1].split()


def test_transcribe_json_gives_words_with_confidence_and_times(tmp_path: Path) -> None:
    wav = espeak_wav_file("I cannot sleep at night", tmp_path / "sleep.wav")
    result = run_cli("transcribe", "--json", str(wav))
    record = json.loads(result.stdout)
    assert record["file"] == str(wav)
    assert [w["word"] for w in record["words"]] == record["text"].split()
    assert all({"start", "end", "conf"} <= set(w) for w in record["words"])


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda p: p / "missing.wav", "does not exist"),
        (lambda p: p, "is a folder"),
        (lambda p: (p / "notes.wav", (p / "notes.wav").write_text("hello"))[0], "not a WAV"),
        (lambda p: (p / "empty.wav", (p / "empty.wav").write_bytes(b""))[0], "is empty"),
        (lambda p: header_only_wav(p / "h.wav"), "holds no audio"),
    ],
    ids=["missing", "directory", "not-wav", "empty", "header-only"],
)
def test_bad_wav_input_is_one_line_and_exit_2(make, fragment: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("transcribe", str(make(tmp_path)))
    assert_one_line_error(result, fragment)


def test_a_bad_file_among_good_ones_is_found_before_any_work(tmp_path: Path) -> None:
    good = espeak_wav_file("hello", tmp_path / "good.wav")
    result = run_cli("transcribe", str(good), str(tmp_path / "typo.wav"))
    assert_one_line_error(result, "typo.wav")
    assert result.stdout == ""


def test_usage_error_is_one_line_and_exit_2() -> None:
    assert_one_line_error(run_cli("transcribe"), "--help")
    assert_one_line_error(run_cli("no-such-command"), "--help")


def test_corrupt_model_folder_is_one_line(tmp_path: Path) -> None:
    wav = espeak_wav_file("hello", tmp_path / "hello.wav")
    folder = tmp_path / "model"
    folder.mkdir()
    result = run_cli("--model", str(folder), "transcribe", str(wav))
    assert_one_line_error(result, "incomplete", "model install")
