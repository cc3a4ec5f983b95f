"""The report: docs/benchmarks.md (with the PNG plots beside it) and benchmarks.json."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks.base import REPO, Machine, Options, Section, table

LATENCY_TITLE = "Latency of a turn"
SECTION_ORDER = (
    "Spoken accuracy",
    "Word error rate on human speech",
    "Speech recognisers side by side",
    LATENCY_TITLE,
    "Resources",
    "Simulated patients",
    "Speech outputs",
)
"""Section titles in the order of the report (a section kept from an earlier run goes back to
its place)."""


def latency_section(options: Options) -> Section:
    """The latency section, measured by :mod:`benchmarks.latency` on the real listening loop
    (its result, a dataclass, is kept in benchmarks.json)."""
    from benchmarks import latency  # the loop's runner is imported only when it is measured

    result = latency.measure(quick=options.quick)
    return Section(LATENCY_TITLE, latency.to_markdown(result), [], asdict(result))


def _get(summary: dict[str, Any], *path: str) -> Any:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def targets(
    sections: Sequence[Section], elapsed: float, options: Options, *, partial: bool = False
) -> str:
    """The targets, what was measured, and whether each is met.

    Sections that have targets of their own list them in their summary's ``targets``, each
    already judged (the spoken ones name the hearing methods that meet them). A ``partial``
    run (some sections, the others kept) says nothing about the full run's time.
    """
    by_title = {s.title: s.summary for s in sections}
    resources = by_title.get("Resources", {})
    rows: list[list[str]] = [
        [t["target"], t["goal"], t["measured"], t["verdict"]]
        for s in sections
        for t in s.summary.get("targets", [])
    ]

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("met" if ok else "**not met**")

    listening = _get(resources, "listening") or []
    if listening:
        worst_cpu = max(listening, key=lambda c: c["cpu_share"])
        rows.append(
            [
                "CPU while listening to silence",
                "≤ 10 % of a core",
                f"highest {100 * worst_cpu['cpu_share']:.1f} % ({worst_cpu['case']})",
                verdict(worst_cpu["cpu_share"] <= 0.10),
            ]
        )
    fit = _get(resources, "fit")
    if fit:
        rows.append(
            [
                "transcribe: linear time, flat memory",
                "linear, flat",
                f"R² {fit['r2']:.4f}; memory "
                f"{fit['rss_late_mb_per_minute']:+.2f} MB per audio minute at the end",
                verdict(fit["r2"] >= 0.99 and fit["rss_late_mb_per_minute"] <= 1.0),
            ]
        )
    limit = 120 if options.quick else 1800
    took = f"{elapsed / 60:.1f} min"
    rows.append(
        [
            "quick run" if options.quick else "full run",
            f"< {limit // 60} min",
            f"not measured: this run measured some sections only ({took})" if partial else took,
            verdict(None if partial else elapsed < limit),
        ]
    )
    return table(["target", "goal", "measured", ""], rows)


def _legend(sections: Sequence[Section], options: Options) -> str:
    """Which hearing methods the figures give: those of the spoken section in the report
    (measured now or kept), else those this run would measure."""
    from benchmarks.methods import Plan

    spoken = next((s.summary for s in sections if s.title == "Spoken accuracy"), {})
    if spoken.get("methods"):
        slots = [(m["title"], m.get("measured", True)) for m in spoken["methods"].values()]
    else:
        plan = Plan.of(options.adapted_model)
        slots = [(s.title, True) for s in plan.slots()] + [(s.title, False) for s in plan.missing()]
    methods = " / ".join(title for title, measured in slots if measured)
    missing = ", ".join(title for title, measured in slots if not measured)
    note = f" ({missing}: not measured in this run)" if missing else ""
    return (
        "Issue 10's targets, on the held-out sets (sentences nothing was built from). A spoken "
        f"or human-speech figure gives each hearing method in turn: **{methods}**{note}.\n"
    )


def write(sections: Sequence[Section], machine: Machine, options: Options, elapsed: float) -> Path:
    """Write benchmarks.md and benchmarks.json into ``options.out_dir``; returns the .md path.

    Sections this run did not measure are kept from the report already there, each with the
    run that measured it, so that one section can be measured again without the hours of all.
    """
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    this_run = {
        "date": machine.date,
        "command": options.command,
        "minutes": elapsed / 60,
        "commit": options.commit or checkout_commit(),
    }
    kept = _kept_sections(out, {s.title for s in sections})
    runs = {title: run for title, (_, run) in kept.items()}
    runs.update({s.title: this_run for s in sections})
    every = _in_order([s for s, _ in kept.values()], sections)
    earlier = ", ".join(f"{title} ({run['date']})" for title, (_, run) in kept.items())
    if options.quick:
        kind = "quick run (small subset; not the reference figures)"
    else:
        kind = "a run of some sections" if kept else "full run"
    parts = [
        "# Benchmarks\n",
        f"Measured on {machine.date} on **{machine.cpu}**, {machine.cores} cores, "
        f"Python {machine.python}, {machine.system}; {kind}, {elapsed / 60:.1f} minutes, with\n",
        f"```\n{options.command}\n```\n",
        *(
            [f"Kept from earlier runs (each section names its command): {earlier}.\n"]
            if kept
            else []
        ),
        "Every figure here comes from that command (benchmarks/); the tests assert behaviour, "
        "never time. The understanding step alone (typed text, our matcher against Adapt and "
        "hassil) is compared in [peers.md](peers.md).\n",
        "## Targets\n",
        _legend(every, options),
        targets(every, elapsed, options, partial=bool(kept)) + "\n",
    ]
    for section in every:
        run = runs[section.title]
        at = f" at commit {run['commit']}" if run.get("commit") else ""
        stamp = f"_Measured {run['date']}{at} with `{run['command']}`._\n"
        parts += [f"## {section.title}\n", stamp, section.markdown.rstrip() + "\n"]
    parts += [
        "## How to run it\n",
        "```\nmake bench                          # installs the bench extra, then the full run\n"
        "python -m benchmarks           # full run: writes docs/benchmarks.md and docs/*.png\n"
        "python -m benchmarks --quick   # under 2 minutes, writes build/bench-quick/\n"
        "python -m benchmarks --only spoken  # sections: spoken, human, recognizers, latency, "
        "resources, patients, outputs (the others are kept)\n"
        "python -m benchmarks.patients --voice 'piper joe' --noise 10   # one voice, one noise\n"
        "python -m benchmarks.outputs       # the speech outputs alone: docs/outputs.md\n"
        "python -m benchmarks --only spoken,human --adapted-model DIR   # also the adapted slots\n"
        "```\n",
    ]
    path = out / "benchmarks.md"
    path.write_text("\n".join(parts))
    data = {
        "machine": asdict(machine),
        "command": options.command,
        "quick": options.quick,
        "minutes": elapsed / 60,
        "sections": {s.title: s.summary for s in every},
        "runs": {s.title: {**runs[s.title], "markdown": s.markdown} for s in every},
    }
    (out / "benchmarks.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path


def checkout_commit() -> str:
    """The checkout's commit, with "+changes" when the tree differs from it ("" outside git)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except OSError:
        return ""
    return f"{head}+changes" if head and dirty else head


def _kept_sections(out: Path, measured: set[str]) -> dict[str, tuple[Section, dict[str, Any]]]:
    """The sections of the report in ``out`` that this run did not measure, with their run."""
    try:
        old = json.loads((out / "benchmarks.json").read_text())
    except (OSError, ValueError):
        return {}
    runs = old.get("runs", {})
    kept = {}
    for title, summary in old.get("sections", {}).items():
        if title in measured:
            continue
        run = runs.get(title) or _run_of_old_report(out, old, title)
        if run is None:
            continue
        stamp = {k: run[k] for k in ("date", "command", "minutes", "commit") if k in run}
        kept[title] = (Section(title, run["markdown"], [], summary), stamp)
    return kept


def _run_of_old_report(out: Path, old: dict[str, Any], title: str) -> dict[str, Any] | None:
    """A section of a report written before sections were kept: its body from the Markdown."""
    try:
        text = (out / "benchmarks.md").read_text()
    except OSError:
        return None
    heading = f"\n## {title}\n"
    if heading not in text:
        return None
    body = text.split(heading, 1)[1].split("\n## ", 1)[0]
    date = old.get("machine", {}).get("date", "unknown date")
    return {"date": date, "command": old.get("command", ""), "markdown": body.strip() + "\n"}


def _in_order(kept: Sequence[Section], measured: Sequence[Section]) -> list[Section]:
    """Kept and new sections in the order of the report (SECTION_ORDER), others at the end."""
    every = [*kept, *measured]

    def place(section: Section) -> int:
        return SECTION_ORDER.index(section.title) if section.title in SECTION_ORDER else 99

    return sorted(every, key=place)
