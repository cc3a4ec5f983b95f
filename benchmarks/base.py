"""What every benchmark section shares: the run's options and the piece of report it returns."""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"


@dataclass(frozen=True)
class Options:
    """How big a run is and where it writes."""

    quick: bool = False
    """A small subset of conditions and utterances (under 2 minutes)."""
    workers: int = 2
    """Processes that decode in parallel (each loads the model once)."""
    out_dir: Path = DOCS
    """Where benchmarks.md, benchmarks.json and the PNG plots go."""
    seed: int = 20240601
    """Seed of every random choice (subset, voice rotation, noise)."""
    limit: int | None = None
    """At most this many utterances in the spoken benchmark (for tests)."""
    command: str = "python -m benchmarks"
    """The command line that made the report, printed in it."""
    adapted_model: Path | None = None
    """A Vosk model folder with a domain-adapted language model: fills the benchmark's
    "adapted" and "adapted + N-best" slots (benchmarks/methods.py)."""
    commit: str = ""
    """The checkout's commit when the run started (the code measured), "" outside git."""


@dataclass
class Section:
    """One part of the report."""

    title: str
    """Heading of the section."""
    markdown: str
    """Body, in Markdown (tables, notes, image links)."""
    figures: list[Path] = field(default_factory=list)
    """PNG files the section wrote."""
    summary: dict[str, Any] = field(default_factory=dict)
    """Headline numbers, kept in benchmarks.json."""


@dataclass(frozen=True)
class Machine:
    """Where the figures were measured."""

    cpu: str
    """CPU model name from /proc/cpuinfo."""
    cores: int
    """Logical cores available."""
    date: str
    """ISO date of the run."""
    python: str
    """Python version."""
    system: str
    """Kernel and distribution, briefly."""


def machine() -> Machine:
    """Describe this machine."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return Machine(
        cpu=cpu,
        cores=len(os.sched_getaffinity(0)),
        date=datetime.date.today().isoformat(),
        python=platform.python_version(),
        system=f"{platform.system()} {platform.release()}",
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal."""
    return "-" if value is None else f"{100 * value:.1f} %"


def median_p95(values: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank) of ``values``, which must not be empty."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))]


def write_alone(
    result: Section, name: str, out: Path, argv: list[str] | None, elapsed: float
) -> None:
    """Write a section measured on its own (``python -m benchmarks.NAME``) as NAME.md and
    NAME.json in ``out``, with the machine and the command, and print it."""
    where = machine()
    given = argv if argv is not None else sys.argv[1:]
    command = shlex.join(["python", "-m", f"benchmarks.{name}", *given])
    note = (
        f"Measured {where.date} on {where.cpu} ({where.cores} cores, shared), Python "
        f"{where.python}, {where.system}, {elapsed / 60:.1f} minutes: `{command}`."
    )
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.md").write_text(f"# {result.title}\n\n{note}\n\n{result.markdown}\n")
    data = {"machine": vars(where), "command": command, "seconds": elapsed, **result.summary}
    (out / f"{name}.json").write_text(json.dumps(data, indent=1) + "\n")
    print(result.markdown)
    print(f"{name}: wrote {out / f'{name}.md'} ({elapsed / 60:.1f} min)", file=sys.stderr)
