"""Turn-taking through the real loop: how soon the reply follows the end of speech, and how often
the assistant answers before the person has finished.

Each voice speaks complete descriptions from the development corpus into the virtual microphone
in real time, twice: whole, and with one natural pause of 0.4-0.9 s inside (after "and", after
"um", or before the body part, in that order of preference), and a few controls between them.
An utterance is *cut off* when the loop heard it as more than one utterance (it answered the
first part before the person had finished). A control heard as a description, or a description
heard as a control, is a *confusion*. The safety check is off: it would turn every second
description into the answer to its question, and its own turns are not what is timed here.

Run: python -m benchmarks.turn_taking [--quick] [--voice NAME ...]
"""

from __future__ import annotations

import argparse
import difflib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from assistant.app.timing import TurnTiming
from assistant.core.controls import Control, match_control
from benchmarks.base import median_p95
from benchmarks.loop_runner import LoopRun, run_loop
from intents import load_index
from support.audio import silence
from support.corpora import load
from support.voices import ALL_VOICES, Voice

Kind = Literal["whole", "paused", "control"]
PAUSE_SECONDS = (0.4, 0.9)
"""The range a pause inside an utterance is drawn from."""
PAUSE_AFTER = ("and", "um")
"""Words a speaker often stops after to think, in order of preference."""
CONTROLS = ("repeat", "help", "start over", "tell me more", "slower", "louder")
"""Spoken between the descriptions; each must be heard as itself."""
GAP_SECONDS = 4.0
"""Silence after every utterance: the assistant answers in it."""
LEAD_IN_SECONDS = 3.0
SEED = 12
SILENT_LEVEL = 300
"""Samples quieter than this are not speech (the end of speech is the last louder one)."""


@dataclass(frozen=True)
class Utterance:
    """One thing the simulated person says."""

    text: str
    """The words, as written."""
    kind: Kind
    """Spoken whole, with a pause inside, or a control."""
    pause_before: int | None = None
    """For a paused utterance: the index of the word the pause comes before."""
    pause_seconds: float = 0.0
    """How long that pause is."""


@dataclass(frozen=True)
class TurnTakingResult:
    """One voice's figures."""

    voice: str
    whole_ms: tuple[float, float] | None
    """Last speech sample -> first reply sound for complete descriptions spoken whole:
    median and 95th percentile, in ms (None when no turn was timed)."""
    paused_ms: tuple[float, float] | None
    """The same for the descriptions with a pause inside that were not cut off."""
    cut_off_rate: float
    """Share of the paused descriptions answered before the person had finished."""
    whole_cut_off_rate: float
    """The same for the descriptions spoken whole (a long breath inside a sentence)."""
    confusions: int
    """Controls heard as descriptions plus descriptions heard as controls."""
    controls: int
    """Controls spoken."""
    descriptions: int
    """Descriptions spoken (whole and paused)."""
    unheard: int
    """Utterances the loop heard nothing of."""


def body_part_words() -> frozenset[str]:
    """Single-word body parts from the lexicon (the lexicon is where the words live)."""
    parts = load_index().lexicon.lists.get("body_part", ())
    return frozenset(p for p in parts if p.isalpha())


def pause_point(words: Sequence[str], body_parts: frozenset[str]) -> int | None:
    """Where a natural pause goes: before the word at the returned index, or None."""
    for filler in PAUSE_AFTER:
        for i, word in enumerate(words[:-1]):
            if word == filler and i > 0:
                return i + 1
    for i, word in enumerate(words):
        if i > 1 and word in body_parts:
            return i
    return None


def utterances(count: int, seed: int = SEED) -> list[Utterance]:
    """``count`` descriptions whole, the same with a pause, and a control after every third."""
    rng = random.Random(seed)
    parts = body_part_words()
    candidates = []
    for item in load("corpus"):
        words = item.text.split()
        point = pause_point(words, parts)
        if item.category != "unclear" and 5 <= len(words) <= 16 and point is not None:
            candidates.append((item.text, point))
    chosen = rng.sample(candidates, count)
    # Every description whole first, then each with its pause: the same words far apart, so
    # that what was heard is told apart by its order.
    pauses = [rng.uniform(*PAUSE_SECONDS) for _ in chosen]
    said: list[Utterance] = [Utterance(text, "whole") for text, _ in chosen]
    said += [
        Utterance(text, "paused", point, pause)
        for (text, point), pause in zip(chosen, pauses, strict=True)
    ]
    with_controls: list[Utterance] = []
    for n, utterance in enumerate(said):
        with_controls.append(utterance)
        if n % 3 == 2:
            with_controls.append(Utterance(CONTROLS[(n // 3) % len(CONTROLS)], "control"))
    return with_controls


def spoken(utterance: Utterance, voice: Voice) -> bytes:
    """The utterance in the voice, pause included, as raw 16 kHz s16le."""
    words = utterance.text.split()
    if utterance.pause_before is None:
        return voice.speak(utterance.text).tobytes()
    first = " ".join(words[: utterance.pause_before])
    rest = " ".join(words[utterance.pause_before :])
    return (
        _trimmed(voice.speak(first))
        + silence(utterance.pause_seconds)
        + _trimmed(voice.speak(rest))
    )


def _trimmed(samples: np.ndarray) -> bytes:
    """Without the voice's own silence at the ends, so the pause is the length asked for."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENT_LEVEL)
    if len(loud) == 0:
        return samples.tobytes()
    return bytes(samples[loud[0] : loud[-1] + 1].tobytes())


def assign(heard: Sequence[str], said: Sequence[Utterance]) -> list[int]:
    """For each utterance heard, the index of the one said it belongs to (in order).

    An alignment that keeps the order and matches the most letters; an utterance heard as two
    parts gets both, and a misheard control ("hope" for "help") still finds its own.
    """
    if not heard or not said:
        return []
    # total[j][i]: the best likeness of the first j+1 heard, the last of them given to said i;
    # came_from[j][i]: where the one before went.
    total: list[list[float]] = []
    came_from: list[list[int]] = []
    for j, text in enumerate(heard):
        row, links = [], []
        best_before, best_at = 0.0, 0
        for i, utterance in enumerate(said):
            if j > 0 and total[j - 1][i] > best_before:
                best_before, best_at = total[j - 1][i], i
            row.append(best_before + difflib.SequenceMatcher(None, text, utterance.text).ratio())
            links.append(best_at)
        total.append(row)
        came_from.append(links)
    last = max(range(len(said)), key=lambda i: total[-1][i])
    path = [last]
    for j in range(len(heard) - 1, 0, -1):
        path.append(came_from[j][path[-1]])
    return path[::-1]


def measure_voice(voice: Voice, count: int) -> TurnTakingResult:
    """Speak the utterances in ``voice`` through the loop and score its turn-taking."""
    said = utterances(count)
    audio = silence(LEAD_IN_SECONDS)
    for utterance in [*said, Utterance("goodbye", "control")]:
        audio += spoken(utterance, voice) + silence(GAP_SECONDS)
    run = run_loop(audio, timings=True, safety_check=False)
    return score(voice.name, said, run)


def score(voice: str, said: Sequence[Utterance], run: LoopRun) -> TurnTakingResult:
    """Turn the loop's notes and timings into the figures."""
    heard = run.heard()
    owner = assign(heard, [*said, Utterance("goodbye", "control")])
    parts: dict[int, list[str]] = {}
    for text, i in zip(heard, owner, strict=True):
        parts.setdefault(i, []).append(text)
    # The timed turns are some of the heard ones, in the same order.
    timed: dict[int, dict[str, Any]] = {}
    pending = iter(run.timings)
    timing = next(pending, None)
    for j, text in enumerate(heard):
        if timing is not None and timing["heard"] == text:
            timed[j] = timing
            timing = next(pending, None)
    parts_at: dict[int, list[int]] = {}
    for j, i in enumerate(owner):
        parts_at.setdefault(i, []).append(j)
    latency: dict[Kind, list[float]] = {"whole": [], "paused": [], "control": []}
    cut: dict[Kind, int] = {"whole": 0, "paused": 0, "control": 0}
    confusions = 0
    for i, utterance in enumerate(said):
        pieces = parts.get(i, [])
        if len(pieces) > 1:
            cut[utterance.kind] += 1
        if utterance.kind == "control":
            expected = match_control(utterance.text)
            confusions += any(match_control(p) != expected for p in pieces)
        else:
            confusions += any(isinstance(match_control(p), Control) for p in pieces)
            only = parts_at.get(i, [])
            if len(only) == 1 and only[0] in timed:
                latency[utterance.kind].append(TurnTiming(**timed[only[0]]).total)
    descriptions = sum(u.kind != "control" for u in said)
    paused = sum(u.kind == "paused" for u in said)
    return TurnTakingResult(
        voice=voice,
        whole_ms=_in_ms(latency["whole"]),
        paused_ms=_in_ms(latency["paused"]),
        cut_off_rate=cut["paused"] / paused if paused else 0.0,
        whole_cut_off_rate=cut["whole"] / (descriptions - paused) if descriptions else 0.0,
        confusions=confusions,
        controls=len(said) - descriptions,
        descriptions=descriptions,
        unheard=sum(i not in parts for i in range(len(said))),
    )


def _in_ms(values: list[float]) -> tuple[float, float] | None:
    """Median and 95th percentile in ms, or None when nothing was timed."""
    if not values:
        return None
    median, p95 = median_p95(values)
    return 1000 * median, 1000 * p95


def measure(quick: bool = False, voices: Sequence[Voice] = ALL_VOICES) -> list[TurnTakingResult]:
    """Every voice's figures (3 descriptions each when quick, else 15)."""
    return [measure_voice(voice, 3 if quick else 15) for voice in voices]


def to_markdown(results: Sequence[TurnTakingResult]) -> str:
    """The report's turn-taking table."""

    def ms(value: tuple[float, float] | None) -> str:
        return "-" if value is None else f"{value[0]:.0f} / {value[1]:.0f} ms"

    rows = [
        f"| {r.voice} | {ms(r.whole_ms)} | {ms(r.paused_ms)} | {100 * r.cut_off_rate:.1f} % "
        f"| {100 * r.whole_cut_off_rate:.1f} % | {r.confusions} of {r.controls + r.descriptions} "
        f"| {r.unheard} |"
        for r in results
    ]
    return "\n".join(
        [
            'Descriptions spoken whole and with a 0.4-0.9 s pause inside (after "and", after '
            '"um", or before the body part), and controls between them, through the real loop '
            "in real time (safety check off).",
            "",
            "| voice | last speech → reply, whole (median / p95; target ≤ 500 / 800 ms) "
            "| the same, with a pause | cut-off rate with a pause (target ≤ 2 %) "
            "| cut-off rate, whole | controls ↔ descriptions confused (target 0) | unheard |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 descriptions per voice, not 15")
    parser.add_argument("--voice", action="append", help="a test voice (default: all)")
    args = parser.parse_args(argv)
    from support.voices import by_name

    voices = [by_name(name) for name in args.voice] if args.voice else list(ALL_VOICES)
    print(to_markdown(measure(args.quick, voices)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
