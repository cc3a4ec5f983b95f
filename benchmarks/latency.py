"""Latency of a turn, and the listening loop's start-up, memory and idle CPU, on the real loop.

The corpus is spoken into the virtual microphone in real time; the loop records, per turn,
where the time goes from the last speech sample to the first reply sample played
(assistant.app.timing.TurnTiming). Run: python -m benchmarks.latency [--quick]
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass, field

from assistant.app.timing import TurnTiming
from benchmarks import turn_taking
from benchmarks.base import median_p95
from benchmarks.loop_runner import LoopRun, corpus_texts, run_loop, spoken_session

PARTS = ("end_of_speech_wait", "final_decoding", "deciding", "synthesis", "playback_start")
START_RUNS = 5  # fresh starts timed to the first "listening" (one alone varies by tenths)
LEAD_IN_SECONDS = 12.0  # silence before the first utterance: the idle CPU is measured in it
GAP_SECONDS = 4.0


@dataclass
class LatencyResult:
    """Figures from one run of the loop."""

    turns: int
    """Turns with a full timing."""
    parts: dict[str, tuple[float, float]]
    """Median and 95th percentile, in seconds, of each part and of the two totals."""
    start_to_listening: list[float]
    """Seconds from starting the process to its first "listening", in each fresh start."""
    peak_rss_mb: float
    """Largest resident memory seen while the loop ran."""
    idle_cpu_percent: float
    """CPU use of one core while listening to silence."""
    heard: int
    """Utterances the loop heard."""
    spoken: int
    """Utterances spoken into the microphone (goodbye included)."""
    exit_code: int
    """The loop's exit code."""
    turn_taking: list[turn_taking.TurnTakingResult] = field(default_factory=list)
    """Per voice: descriptions spoken whole and with a pause inside, and controls."""
    last_speech_to_reply_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per voice, complete descriptions spoken whole: median and p95 of the last speech
    sample -> first reply sound."""
    cut_off_rate: dict[str, float] = field(default_factory=dict)
    """Per voice: share of the descriptions with a pause inside answered before the end."""


def _idle_cpu(run: LoopRun) -> float:
    """CPU share during the lead-in silence, from the first listening until speech starts."""
    start = run.first_listening()
    if start is None:
        return float("nan")
    window = [s for s in run.samples if start + 1.0 <= s.seconds <= LEAD_IN_SECONDS - 0.5]
    if len(window) < 2:
        return float("nan")
    used = window[-1].cpu_seconds - window[0].cpu_seconds
    return 100.0 * used / (window[-1].seconds - window[0].seconds)


def _start_to_listening(runs: int) -> list[float]:
    """The time to the first "listening" of each of ``runs`` fresh processes."""
    firsts = []
    for _ in range(runs):
        run = run_loop(spoken_session(["goodbye"], GAP_SECONDS), safety_check=False)
        firsts.append(run.first_listening() or float("nan"))
    return firsts


def measure(quick: bool = False) -> LatencyResult:
    """Speak corpus utterances into the loop and time every turn."""
    texts = corpus_texts(limit=6, step=60) if quick else corpus_texts(limit=40, step=9)
    # Without the safety check, every description is answered with advice (what is timed).
    run = run_loop(
        spoken_session(texts, GAP_SECONDS, lead_in=LEAD_IN_SECONDS),
        timings=True,
        sample_every=0.5,
        safety_check=False,
    )
    timed = [TurnTiming(**t) for t in run.timings]
    parts = {name: median_p95([getattr(t, name) for t in timed]) for name in PARTS}
    parts["after_end_of_speech"] = median_p95([t.after_end_of_speech for t in timed])
    parts["total"] = median_p95([t.total for t in timed])
    voices = turn_taking.measure(quick)
    return LatencyResult(
        turns=len(run.timings),
        parts=parts,
        start_to_listening=_start_to_listening(2 if quick else START_RUNS),
        peak_rss_mb=max(s.rss_mb for s in run.samples),
        idle_cpu_percent=_idle_cpu(run),
        heard=len(run.heard()),
        spoken=len(texts) + 1,
        exit_code=run.exit_code,
        turn_taking=voices,
        last_speech_to_reply_ms={
            v.voice: {"median": v.whole_ms[0], "p95": v.whole_ms[1]}
            for v in voices
            if v.whole_ms is not None
        },
        cut_off_rate={v.voice: v.cut_off_rate for v in voices},
    )


LABELS = {
    "end_of_speech_wait": "end-of-speech wait (from the words heard, at most end_silence)",
    "final_decoding": "final decoding",
    "deciding": "understanding, deciding, wording",
    "synthesis": "speech synthesis (first line)",
    "playback_start": "playback start",
    "after_end_of_speech": "**work after the end-of-speech decision** (target ≤ 150 ms median)",
    "total": "**last speech sample → first reply sample** (target ≤ 500 ms median, 800 ms p95)",
}


def to_markdown(result: LatencyResult) -> str:
    """The report section."""
    rows = [
        f"| {LABELS[name]} | {median * 1000:.0f} ms | {p95 * 1000:.0f} ms |"
        for name, (median, p95) in result.parts.items()
    ]
    starts = result.start_to_listening
    return "\n".join(
        [
            f"{result.turns} turns through the virtual microphone in real time "
            f"({result.heard} of {result.spoken} spoken utterances heard; exit code "
            f"{result.exit_code}).",
            "",
            "| part of a turn | median | 95th percentile |",
            "| --- | --- | --- |",
            *rows,
            "",
            "| listening loop | value |",
            "| --- | --- |",
            f'| start of the process → first "listening" (target ≤ 1.5 s; median and slowest '
            f"of {len(starts)} starts) | {statistics.median(starts):.2f} s, {max(starts):.2f} s |",
            f"| peak resident memory in the loop (target ≤ 350 MB) | {result.peak_rss_mb:.0f} MB |",
            f"| CPU while listening to silence (target ≤ 10 % of a core) "
            f"| {result.idle_cpu_percent:.1f} % |",
            "",
            turn_taking.to_markdown(result.turn_taking),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="6 utterances instead of 40")
    args = parser.parse_args(argv)
    print(to_markdown(measure(args.quick)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
