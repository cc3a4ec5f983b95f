"""Tests for benchmarks/report.py: a run of some sections keeps the others from the report
already written, each with the run that measured it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks.base import Machine, Options, Section
from benchmarks.report import write


def machine(date: str) -> Machine:
    return Machine("test cpu", 2, date, "3.11", "Linux")


def run(out: Path, date: str, command: str, *sections: Section) -> str:
    write(list(sections), machine(date), Options(out_dir=out, command=command), 60.0)
    return (out / "benchmarks.md").read_text()


def test_a_section_measured_again_replaces_only_itself(tmp_path: Path) -> None:
    run(
        tmp_path, "2026-11-30", "python -m benchmarks",
        Section("Spoken accuracy", "spoken body one\n", [], {"clips": 1}),
        Section("Resources", "resources body\n", [], {"rss": 2}),
    )  # fmt: skip
    text = run(
        tmp_path, "2026-12-02", "python -m benchmarks --only spoken",
        Section("Spoken accuracy", "spoken body two\n", [], {"clips": 3}),
    )  # fmt: skip
    assert "spoken body two" in text and "spoken body one" not in text
    assert "resources body" in text and "Kept from earlier runs" in text
    # Each section names the run (and the commit, in a git checkout) that measured it.
    assert re.search(r"_Measured 2026-11-30( at commit \S+)? with `python -m benchmarks`\._", text)
    assert re.search(r"_Measured 2026-12-02( at commit \S+)? with `[^`]* --only spoken`\._", text)
    data = json.loads((tmp_path / "benchmarks.json").read_text())
    assert data["sections"] == {"Spoken accuracy": {"clips": 3}, "Resources": {"rss": 2}}
    assert data["runs"]["Resources"]["date"] == "2026-11-30"
    assert list(data["sections"]) == ["Spoken accuracy", "Resources"]  # the report's order


def test_a_report_written_before_sections_were_kept_gives_its_bodies(tmp_path: Path) -> None:
    (tmp_path / "benchmarks.md").write_text(
        "# Benchmarks\n\n## Targets\n\nx\n\n## Resources\n\nold resources\n\n## How to run it\n"
    )
    old = {"machine": {"date": "2026-11-01"}, "command": "old", "sections": {"Resources": {}}}
    (tmp_path / "benchmarks.json").write_text(json.dumps(old))
    text = run(tmp_path, "2026-12-02", "new", Section("Spoken accuracy", "new spoken\n"))
    assert "old resources" in text and "_Measured 2026-11-01 with `old`._" in text
    assert "new spoken" in text


def test_a_run_of_some_sections_keeps_the_legend_and_claims_no_full_run(tmp_path: Path) -> None:
    methods = {
        "general": {"title": "general model", "measured": True},
        "adapted": {"title": "adapted language model", "measured": True},
    }
    run(
        tmp_path, "2026-11-30", "python -m benchmarks --adapted-model m",
        Section("Spoken accuracy", "spoken\n", [], {"methods": methods}),
    )  # fmt: skip
    text = run(
        tmp_path,
        "2026-12-02",
        "python -m benchmarks --only latency",
        Section("Latency of a turn", "l\n"),
    )
    # The kept spoken figures still give both methods, although this run had no adapted model.
    assert "**general model / adapted language model**." in text
    assert "a run of some sections" in text
    assert re.search(r"\| full run \| < 30 min \| not measured: [^|]* \| - \|", text)
