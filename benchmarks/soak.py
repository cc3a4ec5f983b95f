"""Soak: the listening loop for a long stretch on the virtual microphone, the spoken corpus on
repeat, checking every turn is answered, nothing crashes, and memory does not creep.

Run: python -m benchmarks.soak --minutes 30 --report docs/soak.md
(tests/test_soak.py runs a 2-minute version in `make test`.)
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.base import machine
from benchmarks.loop_runner import LoopRun, corpus_texts, run_loop, spoken_session
from support.speech import espeak_to_raw16k

GAP_SECONDS = 3.0
BYTES_PER_SECOND = 32000
RSS_GROWTH_LIMIT_MB = 20.0
WARM_UP_TURNS = 15


@dataclass
class SoakResult:
    """What a soak run showed."""

    minutes: float
    """Length of the spoken session."""
    spoken: int
    """Utterances spoken into the microphone (goodbye included)."""
    heard: int
    """Utterances the loop heard."""
    unanswered: int
    """Heard utterances the loop did not answer."""
    exit_code: int
    """0 after the final goodbye."""
    rss_warm_mb: float
    """Resident memory after the warm-up turns (or half the turns in a short run)."""
    rss_end_mb: float
    """Resident memory at the end."""
    errors: list[str]
    """Lines on stderr that are not status notes (should be none)."""

    @property
    def rss_growth_mb(self) -> float:
        """Memory growth over the run after warm-up."""
        return self.rss_end_mb - self.rss_warm_mb

    @property
    def passed(self) -> bool:
        """Every turn answered, a clean end, and memory growth under the limit."""
        return (
            self.exit_code == 0
            and self.unanswered == 0
            and self.rss_growth_mb < RSS_GROWTH_LIMIT_MB
            and not self.errors
        )


def session_texts(minutes: float) -> list[str]:
    """Corpus utterances on repeat, enough to fill `minutes` of speaking and pauses."""
    texts: list[str] = []
    seconds = 0.0
    for text in itertools.cycle(corpus_texts()):
        if seconds >= minutes * 60:
            return texts
        texts.append(text)
        seconds += len(espeak_to_raw16k(text)) / BYTES_PER_SECOND + GAP_SECONDS
    raise AssertionError("unreachable: the cycle never ends")


def soak(minutes: float) -> SoakResult:
    """Run the loop over `minutes` of the spoken corpus."""
    texts = session_texts(minutes)
    run = run_loop(spoken_session(texts, GAP_SECONDS), sample_every=2.0, timeout=minutes * 60 * 2)
    return SoakResult(
        minutes=minutes,
        spoken=len(texts) + 1,
        heard=len(run.heard()),
        unanswered=run.unanswered(),
        exit_code=run.exit_code,
        rss_warm_mb=_rss_after_warm_up(run),
        rss_end_mb=run.samples[-1].rss_mb if run.samples else float("nan"),
        errors=run.stderr_other,
    )


def _rss_after_warm_up(run: LoopRun) -> float:
    """Memory once the loop has settled: Vosk, espeak-ng and the allocator grow in steps over
    the first dozen turns (measured: flat from about turn 13 on), which is not a leak."""
    listening = [t for t, note in run.notes if note == "listening"]
    warm = listening[min(WARM_UP_TURNS, len(listening) // 2)] if listening else 0.0
    return next((s.rss_mb for s in run.samples if s.seconds >= warm), float("nan"))


def to_markdown(result: SoakResult, command: str) -> str:
    """The committed report."""
    verdict = "passed" if result.passed else "FAILED"
    return "\n".join(
        [
            "# Soak test of the listening loop",
            "",
            f"Made with `{command}` on {date.today().isoformat()}, {_machine()}.",
            "",
            "The spoken corpus (espeak-ng, en-us+f1) on repeat into the virtual microphone in "
            f"real time, {GAP_SECONDS:.0f} s pause after each utterance, for "
            f"{result.minutes:g} minutes, through the real loop (Vosk, decision, pyttsx3 "
            "replies played to the virtual speaker).",
            "",
            "| figure | value |",
            "| --- | --- |",
            f"| result | {verdict} |",
            f"| utterances spoken | {result.spoken} |",
            f"| utterances heard | {result.heard} |",
            f"| heard but not answered | {result.unanswered} |",
            f"| exit code after the final goodbye | {result.exit_code} |",
            f"| resident memory after the warm-up turns | {result.rss_warm_mb:.1f} MB |",
            f"| resident memory at the end | {result.rss_end_mb:.1f} MB |",
            f"| growth (limit {RSS_GROWTH_LIMIT_MB:.0f} MB) | {result.rss_growth_mb:+.1f} MB |",
            f"| error lines on stderr | {len(result.errors)} |",
            "",
        ]
    )


def _machine() -> str:
    here = machine()
    return f"{here.cpu}, {here.cores} cores, {here.system}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--report", type=Path, help="write the Markdown report here")
    args = parser.parse_args(argv)
    result = soak(args.minutes)
    command = f"python -m benchmarks.soak --minutes {args.minutes:g}"
    report = to_markdown(result, command)
    if args.report:
        args.report.write_text(report)
    print(report)
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
