"""Tests for benchmarks/typed_accuracy.py: scoring labelled sets, blind ones by totals only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.typed_accuracy import is_blind, main, read_set, score_set
from support.corpora import load

ROWS: list[dict[str, object]] = [
    {"text": "i sprained my ankle playing football", "expected": "physiotherapy",
     "category": "injury"},
    {"text": "crushing chest pain spreading to my jaw", "expected": "see_doctor",
     "category": "red_flag", "urgency": "emergency", "red_flag": "heart attack"},
    {"text": "i am so stressed and my shoulders are tight", "expected": ["massage_therapy", "both"],
     "category": "stress"},
    # Labelled wrongly on purpose: the assistant will not say physiotherapy for a hello.
    {"text": "hello there", "expected": "physiotherapy", "category": "injury"},
]  # fmt: skip


def write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_file_is_scored_like_a_corpus(tmp_path: Path) -> None:
    s = score_set(read_set(str(write(tmp_path / "set.jsonl", ROWS))))
    assert (s.total, s.right) == (4, 3)
    assert (s.red_flags, s.caught) == (1, 1)
    assert (s.others, s.false_red_flags) == (3, 0)
    assert s.misses == ["'hello there': unclear None [] (expected physiotherapy)"]


def test_a_corpus_name_reads_that_corpus() -> None:
    assert read_set("heldout2") == load("heldout2")


def test_misses_are_listed_but_never_for_a_blind_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = write(tmp_path / "set.jsonl", ROWS)
    blind = write(tmp_path / "blind_x.jsonl", ROWS)
    assert main([str(plain), str(blind), "--misses"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{plain}: accuracy 3/4 = 75.0%, red-flag recall 1/1 = 100.0%, false red flags 0/3 = 0.0%",
        "  'hello there': unclear None [] (expected physiotherapy)",
        f"{blind}: accuracy 3/4 = 75.0%, red-flag recall 1/1 = 100.0%, false red flags 0/3 = 0.0%",
    ]
    assert is_blind("support/data/corpus_blind_a.jsonl") and not is_blind("heldout2")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "neither a corpus"),
        ("not json\n", "not a labelled set"),
        ('{"text": "x"}\n', "not a labelled set"),
    ],
)
def test_bad_sets_give_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, says: str
) -> None:
    path = tmp_path / "set.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err
