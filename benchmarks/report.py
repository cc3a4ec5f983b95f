"""The report: docs/benchmarks.md (with the PNG plots beside it) and benchmarks.json."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

from benchmarks.base import Machine, Options, Section, table

LATENCY_TITLE = "Latency of a turn"
LATENCY_PLACEHOLDER = Section(
    LATENCY_TITLE,
    "_Not measured in this run: `benchmarks/latency.py` (the listening loop's time from the end "
    "of speech to the start of the reply, and from start to listening) fills this section when "
    "it exists._\n",
)


def latency_section(options: Options) -> Section:
    """THE PLACE FOR THE LATENCY TABLE, filled by ``benchmarks/latency.py``.

    That module provides either ``run(options) -> Section``, or ``measure(quick) -> result``
    and ``to_markdown(result) -> str`` (the result a dataclass, kept in benchmarks.json).
    Until it exists the report says the latency was not measured.
    """
    try:
        from benchmarks import latency
    except ImportError:
        return LATENCY_PLACEHOLDER
    if hasattr(latency, "run"):
        section: Section = latency.run(options)
        return section
    result = latency.measure(quick=options.quick)
    summary = asdict(result) if is_dataclass(result) and not isinstance(result, type) else {}
    return Section(LATENCY_TITLE, latency.to_markdown(result), [], summary)


def _get(summary: dict[str, Any], *path: str) -> Any:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def targets(sections: Sequence[Section], elapsed: float, options: Options) -> str:
    """The targets, what was measured, and whether each is met.

    Sections that have targets of their own list them in their summary's ``targets``, each
    already judged (the spoken ones name the hearing methods that meet them).
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
    rows.append(
        [
            "quick run" if options.quick else "full run",
            f"< {limit // 60} min",
            f"{elapsed / 60:.1f} min",
            verdict(elapsed < limit),
        ]
    )
    return table(["target", "goal", "measured", ""], rows)


def _legend(options: Options) -> str:
    from benchmarks.methods import Plan

    plan = Plan.of(options.adapted_model)
    methods = " / ".join(s.title for s in plan.slots())
    missing = ", ".join(s.title for s in plan.missing())
    note = f" ({missing}: not measured in this run)" if missing else ""
    return (
        "Issue 10's targets, on the held-out sets (sentences nothing was built from). A spoken "
        f"or human-speech figure gives each hearing method in turn: **{methods}**{note}.\n"
    )


def write(sections: Sequence[Section], machine: Machine, options: Options, elapsed: float) -> Path:
    """Write benchmarks.md and benchmarks.json into ``options.out_dir``; returns the .md path."""
    out = options.out_dir
    out.mkdir(parents=True, exist_ok=True)
    kind = "quick run (small subset; not the reference figures)" if options.quick else "full run"
    parts = [
        "# Benchmarks\n",
        f"Measured on {machine.date} on **{machine.cpu}**, {machine.cores} cores, "
        f"Python {machine.python}, {machine.system}; {kind}, {elapsed / 60:.1f} minutes, with\n",
        f"```\n{options.command}\n```\n",
        "Every figure here comes from that command (benchmarks/); the tests assert behaviour, "
        "never time. The understanding step alone (typed text, our matcher against Adapt and "
        "hassil) is compared in [peers.md](peers.md).\n",
        "## Targets\n",
        _legend(options),
        targets(sections, elapsed, options) + "\n",
    ]
    for section in sections:
        parts += [f"## {section.title}\n", section.markdown.rstrip() + "\n"]
    parts += [
        "## How to run it\n",
        "```\nmake bench                          # installs the bench extra, then the full run\n"
        "python -m benchmarks           # full run: writes docs/benchmarks.md and docs/*.png\n"
        "python -m benchmarks --quick   # under 2 minutes, writes build/bench-quick/\n"
        "python -m benchmarks --only spoken  # sections: spoken, human, recognizers, latency, "
        "resources, patients, outputs\n"
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
        "sections": {s.title: s.summary for s in sections},
    }
    (out / "benchmarks.json").write_text(json.dumps(data, indent=1, default=str) + "\n")
    return path
