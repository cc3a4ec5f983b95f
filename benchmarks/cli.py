"""The benchmark command: ``python -m benchmarks`` (``make bench``)."""

from __future__ import annotations

import argparse
import importlib.util
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

from assistant.core.errors import UserError
from benchmarks.base import DOCS, REPO, Options, Section, machine

SECTIONS = ("spoken", "human", "recognizers", "latency", "resources", "patients", "outputs")
QUICK_DIR = REPO / "build" / "bench-quick"


def parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure spoken accuracy and word error rate for each hearing method, "
        "recognisers side by side, latency, resources, simulated patients and the speech "
        "outputs; write docs/benchmarks.md and PNG plots.",
    )
    p.add_argument("--quick", action="store_true", help="small subset, under 2 minutes")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        help="report folder (default docs/, or build/bench-quick/ with --quick)",
    )
    p.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections of {', '.join(SECTIONS)}",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=min(2, len(os.sched_getaffinity(0))),
        help="decoding processes",
    )
    p.add_argument("--limit", type=int, default=None, help="at most this many utterances (tests)")
    p.add_argument("--seed", type=int, default=Options.seed, help="seed of every random choice")
    p.add_argument(
        "--adapted-model",
        type=Path,
        default=None,
        metavar="DIR",
        help="Vosk model folder with a domain-adapted language model: also measure the "
        "'adapted' and 'adapted + N-best' hearing methods",
    )
    return p


def _runners() -> dict[str, Callable[[Options], Section]]:
    from benchmarks import human, outputs, patients, recognizers, report, resources, spoken

    return {
        "spoken": spoken.run,
        "human": human.run,
        "recognizers": recognizers.run,
        "latency": report.latency_section,
        "resources": resources.run,
        "patients": patients.run,
        "outputs": outputs.run,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and write the report."""
    args = parser().parse_args(argv)
    try:
        return _run(args, sys.argv[1:] if argv is None else argv, "python -m benchmarks")
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code


def _run(args: argparse.Namespace, argv: list[str], invoked: str) -> int:
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        raise UserError(f"unknown section {unknown[0]!r}; choose from {', '.join(SECTIONS)}.")
    if args.workers < 1:
        raise UserError("--workers must be at least 1.")
    adapted = args.adapted_model
    if adapted is not None and not (adapted / "graph").is_dir():
        raise UserError(
            f"{adapted} is not a Vosk model folder (it has no graph/); give the folder that "
            "holds am/, conf/ and graph/."
        )
    if importlib.util.find_spec("matplotlib") is None:
        raise UserError(
            "the benchmarks need matplotlib; install the extra: pip install -e '.[bench]'"
        )
    from benchmarks import report

    out = args.out or (QUICK_DIR if args.quick else DOCS)
    options = Options(
        quick=args.quick,
        workers=args.workers,
        out_dir=out,
        seed=args.seed,
        limit=args.limit,
        adapted_model=adapted.resolve() if adapted is not None else None,
        command=" ".join([invoked, *(shlex.quote(a) for a in argv)]),
        commit=report.checkout_commit(),
    )
    runners = _runners()
    started = time.perf_counter()
    sections = []
    for name in SECTIONS:
        if name in chosen:
            print(f"bench: {name} ...", file=sys.stderr)
            sections.append(runners[name](options))
    path = report.write(sections, machine(), options, time.perf_counter() - started)
    print(f"bench: wrote {path}", file=sys.stderr)
    return 0
