"""Word error rate on real human speech, for every hearing method side by side.

The recordings are support/human_speech.py's: Asterisk telephone prompts read by one US speaker
(8 kHz, resampled to 16 kHz) and five LibriVox clips. None of them is about the domain, so this
shows what a method costs ordinary English: issue 10 allows an adapted language model at most
one point of word error rate more than the general model's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from benchmarks import workers
from benchmarks.base import Options, Section, pct, table
from benchmarks.methods import Plan
from support.human_speech import Recording, asterisk_prompts, librivox_clips, spread
from support.metrics import normalise, word_error_rate

FULL_PROMPTS = 132
"""Asterisk prompts of three words or more in a full run: every second one of the 264."""
QUICK_PROMPTS = 6
MIN_WORDS = 3
"""Shorter prompts are single digits, letters and words, which say little about a language
model."""
WER_MARGIN = 0.01
"""How much more word error rate than the general model's a method may have (issue 10)."""
SETS = {"asterisk": "Asterisk prompts (one US speaker, telephone band)", "librivox": "LibriVox"}


@dataclass(frozen=True)
class Transcribed:
    """One recording as every method wrote it."""

    recording: Recording
    """What was said."""
    transcripts: dict[str, str]
    """Each method's transcript, normalised, by slot key."""


def _transcribe(recording: Recording) -> list[Transcribed]:
    pcm = recording.samples().tobytes()
    return [
        Transcribed(
            recording,
            {key: normalise(m.hear(pcm).transcript) for key, m in workers.methods().items()},
        )
    ]


def recordings(options: Options) -> list[Recording]:
    """The recordings of this run."""
    prompts = spread(asterisk_prompts(MIN_WORDS), QUICK_PROMPTS if options.quick else FULL_PROMPTS)
    clips = librivox_clips()
    if options.limit is not None:
        prompts, clips = prompts[: options.limit], clips[: options.limit]
    return [*prompts, *clips]


def run(options: Options) -> Section:
    """Transcribe the human recordings with every method and write the section."""
    plan = Plan.of(options.adapted_model)
    chosen = recordings(options)
    started = time.perf_counter()
    done = workers.run(plan, _transcribe, chosen, options.workers, "human speech")
    order = {r.path: k for k, r in enumerate(chosen)}
    done.sort(key=lambda t: order[t.recording.path])
    return report(done, plan, time.perf_counter() - started)


def report(done: Sequence[Transcribed], plan: Plan, elapsed: float) -> Section:
    """The section from the transcripts."""
    slots = plan.slots()
    rows = []
    summary: dict[str, Any] = {"sets": {}, "seconds": elapsed}
    for name, title in SETS.items():
        group = [t for t in done if t.recording.corpus == name]
        if not group:
            continue
        words = sum(len(t.recording.reference.split()) for t in group)
        wer = {
            s.key: word_error_rate((t.recording.reference, t.transcripts[s.key]) for t in group)
            for s in slots
        }
        exact = {
            s.key: sum(t.transcripts[s.key] == t.recording.reference for t in group) for s in slots
        }
        summary["sets"][name] = {
            "recordings": len(group),
            "words": words,
            "wer": wer,
            "exact": exact,
        }
        rows.append(
            [
                title,
                str(len(group)),
                str(words),
                *(f"{pct(wer[s.key])} ({exact[s.key]} exact)" for s in slots),
            ]
        )
    targets = []
    every = summary["sets"]
    if every and "general" in plan.keys:
        general = _pooled(done, "general")
        values, winners = [], []
        for s in slots:
            value = _pooled(done, s.key)
            values.append(pct(value))
            if value <= general + WER_MARGIN:
                winners.append(s.title)
        targets.append(
            {
                "target": "word error rate on human speech (all sets together)",
                "goal": f"≤ general model's {pct(general)} + {100 * WER_MARGIN:g} point",
                "measured": " / ".join(values),
                "verdict": "met by " + ", ".join(winners) if winners else "**not met**",
            }
        )
    summary["targets"] = targets
    header = ["recordings", "clips", "words", *(s.title for s in slots)]
    body = f"""\
The same recordings for every method: Asterisk telephone prompts of {MIN_WORDS} words or more
(evenly spaced through the sorted list; 8 kHz, resampled to 16 kHz by sox) and the LibriVox
clips of pocketsphinx-testdata (16 kHz). References and transcripts are normalised alike
(support/metrics.py: "press 1" is "press one"); prompts whose text is not what is said or whose
numbers read more than one way are left out (support/human_speech.py). A method's transcript
is what it would show the person (the domain pass shows the general one). Cells: word error
rate (recordings heard exactly right). {elapsed:.0f} s.

{table(header, rows)}
"""
    return Section("Word error rate on human speech", body, [], summary)


def _pooled(done: Sequence[Transcribed], key: str) -> float:
    return word_error_rate((t.recording.reference, t.transcripts[key]) for t in done)
