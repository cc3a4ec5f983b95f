"""Spoken accuracy end to end: corpus → test voice (+ noise) → each hearing method → advice.

Every clip is heard by every method measured (benchmarks/methods.py), so the columns compare
the methods on the very same audio. Each corpus is reported on its own: the development corpus,
which the lexicon was written with, and the held-out sets, which are for evaluation only
(nothing here is built from them, and their mishearings are not listed).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.advice import advise
from assistant.core.decision import Decision
from benchmarks import workers
from benchmarks.base import Options, Section, pct, table
from benchmarks.corpus import (
    CORPORA,
    HELD_OUT,
    NOISES,
    SPEAKERS,
    SPEAKING_RATES,
    Utterance,
    keywords,
    plan_speakers,
    select,
)
from benchmarks.methods import Heard, Plan, Slot
from support import audio, speech
from support.corpora import Labelled as Item
from support.corpora import load, speakable
from support.metrics import word_error_rate
from support.scoring import Score
from support.voices import ALL_VOICES, by_name

FULL_DEV_SIZES = (30, 30)
"""(others, red flags) of the development corpus in a full run; the held-out sets are spoken
whole. Sized for a full report in about 30 minutes on 2 cores with the general model and the
domain pass (each clip costs 0.29 + 0.05 seconds of CPU per second of audio)."""
QUICK_SIZES: dict[str, tuple[int, int]] = {"corpus": (2, 2), "heldout": (1, 1), "heldout2": (1, 1)}
"""(others, red flags) of each corpus in a quick run."""
QUICK_NOISES: tuple[float | None, ...] = (None, 10.0)


@dataclass(frozen=True)
class Target:
    """Issue 10's goals for one family of voices, on the held-out sets."""

    clean: float
    """Decision accuracy, clean."""
    noisy: float
    """Decision accuracy at 10 dB."""
    red_flag: float
    """Red-flag recall in every noise condition."""


TARGETS: dict[str, Target] = {
    "neural": Target(0.95, 0.90, 0.97),
    "espeak-ng": Target(0.85, 0.75, 0.90),
}
FALSE_RED_FLAGS_MAX = 0.03
"""False red flags in every condition, for every voice."""
FAMILY_TITLES = {"neural": "neural voices", "espeak-ng": "espeak-ng voices"}


@dataclass(frozen=True)
class Hearing:
    """One clip as every method heard it."""

    corpus: str
    """Which corpus the utterance is from."""
    item: Item
    """The utterance."""
    voice: str
    """The test voice's name."""
    rate: float
    """Speaking-rate factor."""
    snr: float | None
    """Noise condition (None: clean)."""
    heard: dict[str, Heard]
    """Each method's hearing, by slot key."""
    seconds: dict[str, float]
    """CPU time each method took (beyond what the methods before it had decoded)."""
    audio_seconds: float
    """Length of the clip (speech and padding)."""

    @property
    def family(self) -> str:
        """The voice's family ("neural" or "espeak-ng")."""
        return by_name(self.voice).family


def condition_name(snr: float | None) -> str:
    """ "clean" or "20 dB"."""
    return "clean" if snr is None else f"{snr:g} dB"


# --- hearing, in worker processes --------------------------------------------------------


def _hear(utterance: Utterance) -> list[Hearing]:
    spoken = by_name(utterance.voice).speak(utterance.item.text, utterance.rate)
    hearings = []
    for snr in utterance.noises:
        code = 0 if snr is None else int(snr * 10) + 1
        pcm = audio.clip_audio(spoken, snr, np.random.default_rng([*utterance.seed, code]))
        heard, seconds = {}, {}
        for key, method in workers.methods().items():
            started = time.process_time()  # CPU time: other work on the machine does not count
            heard[key] = method.hear(pcm)
            seconds[key] = time.process_time() - started
        hearings.append(
            Hearing(
                corpus=utterance.corpus,
                item=utterance.item,
                voice=utterance.voice,
                rate=utterance.rate,
                snr=snr,
                heard=heard,
                seconds=seconds,
                audio_seconds=len(pcm) / 32000,
            )
        )
    return hearings


def hear_all(plan: Plan, utterances: Sequence[Utterance], workers_: int) -> list[Hearing]:
    """Speak and hear every utterance on ``workers_`` processes, in a fixed order."""
    results = workers.run(plan, _hear, utterances, workers_, "spoken")
    corpora = list(CORPORA)
    voices = [v.name for v in ALL_VOICES]
    return sorted(
        results,
        key=lambda h: (
            corpora.index(h.corpus),
            h.item.index,
            voices.index(h.voice),
            -1 if h.snr is None else h.snr,
        ),
    )


# --- scoring -----------------------------------------------------------------------------


@cache
def decide(text: str) -> Decision:
    """The assistant's decision on a text (many clips are heard alike)."""
    return advise(text).decision


@dataclass(frozen=True)
class Scores:
    """Accuracy of one group of clips, one method."""

    count: int
    """Clips scored."""
    decision_accuracy: float
    """Share whose recommendation is one the label accepts."""
    red_flag_recall: float | None
    """Share of red-flag clips sent to a doctor at least as urgently as the label says
    (support/scoring.py; None: no red-flag clips)."""
    red_flags: int
    """Red-flag clips."""
    false_red_flags: float | None
    """Share of the other clips sent to a doctor urgently (None: no other clips)."""
    wer: float
    """Word error rate of the transcript shown to the person."""
    keyword_recall: float
    """Share of the reference's domain words found in the text decided on."""
    asked_recall: float | None
    """Share of red-flag clips escalated, or with a red flag in an alternative hearing that
    the assistant would ask about (equals red_flag_recall without alternatives)."""
    needless_questions: float | None
    """Share of the other clips with a red flag only in an alternative: a needless question."""


def score(hearings: Sequence[Hearing], key: str) -> Scores:
    """Score ``hearings`` as method ``key`` heard them."""
    decided = Score()
    asked = needless = 0
    for h in hearings:
        heard = h.heard[key]
        decision = decide(heard.text)
        caught = decided.caught
        decided.add(h.item, decision)
        in_alternative = any(decide(a).red_flags for a in heard.alternatives)
        if h.item.red_flag:
            asked += decided.caught > caught or in_alternative
        elif not decision.red_flags:
            needless += in_alternative
    found = sum(
        sum(k in set(h.heard[key].text.split()) for k in keywords(h.item.text)) for h in hearings
    )
    expected = sum(len(keywords(h.item.text)) for h in hearings)
    return Scores(
        count=len(hearings),
        decision_accuracy=decided.accuracy,
        red_flag_recall=decided.red_flag_recall if decided.red_flags else None,
        red_flags=decided.red_flags,
        false_red_flags=decided.false_red_flag_rate if decided.others else None,
        wer=word_error_rate((h.item.text, h.heard[key].transcript) for h in hearings),
        keyword_recall=found / expected if expected else 0.0,
        asked_recall=asked / decided.red_flags if decided.red_flags else None,
        needless_questions=needless / decided.others if decided.others else None,
    )


def _substitution(said: str, written: str) -> float:
    """Cost of hearing ``written`` for ``said``: 0 if equal, less than 1 when they look alike."""
    if said == written:
        return 0.0
    return 1.0 - 0.4 * SequenceMatcher(None, said, written).ratio()


def align(
    reference: Sequence[str], hypothesis: Sequence[str]
) -> list[tuple[str | None, str | None]]:
    """Word alignment by edit distance: (reference word, hypothesis word), None for a gap.

    Substituting a look-alike word costs a little less, so "knot" pairs with "not" and
    "crushing" with "approaching" rather than with a neighbour.
    """
    n, m = len(reference), len(hypothesis)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        cost[i][0] = float(i)
    for j in range(m + 1):
        cost[0][j] = float(j)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost[i][j] = min(
                cost[i - 1][j] + 1,
                cost[i][j - 1] + 1,
                cost[i - 1][j - 1] + _substitution(reference[i - 1], hypothesis[j - 1]),
            )
    pairs: list[tuple[str | None, str | None]] = []
    i, j = n, m
    while i or j:
        diagonal = (
            cost[i - 1][j - 1] + _substitution(reference[i - 1], hypothesis[j - 1])
            if i and j
            else math.inf
        )
        if i and j and math.isclose(cost[i][j], diagonal):
            pairs.append((reference[i - 1], hypothesis[j - 1]))
            i, j = i - 1, j - 1
        elif i and math.isclose(cost[i][j], cost[i - 1][j] + 1):
            pairs.append((reference[i - 1], None))
            i -= 1
        else:
            pairs.append((None, hypothesis[j - 1]))
            j -= 1
    return pairs[::-1]


def heard_but_missed(hearings: Iterable[Hearing], key: str) -> list[Hearing]:
    """Clips decided wrongly although every domain word was heard: lost in understanding."""
    missed = []
    for h in hearings:
        text = h.heard[key].text
        if all(k in set(text.split()) for k in keywords(h.item.text)):
            score = Score()
            if not score.add(h.item, decide(text)):
                missed.append(h)
    return missed


def mishearings(hearings: Iterable[Hearing], key: str = "general") -> Counter[tuple[str, str]]:
    """How a method's transcript wrote domain words it got wrong: (said, written) counts."""
    counts: Counter[tuple[str, str]] = Counter()
    for h in hearings:
        domain = set(keywords(h.item.text))
        for said, written in align(h.item.text.split(), h.heard[key].transcript.split()):
            if said in domain and said != written:
                counts[(said, written or "(nothing)")] += 1
    return counts


# --- the run -----------------------------------------------------------------------------


def choose(corpus: str, options: Options) -> list[Item]:
    """The utterances of ``corpus`` spoken in this run."""
    items = speakable(load(corpus))
    if options.quick:
        others, flags = QUICK_SIZES[corpus]
        chosen = select(items, others, flags, options.seed)
    elif corpus in HELD_OUT:
        chosen = list(items)
    else:
        chosen = select(items, *FULL_DEV_SIZES, options.seed)
    return chosen if options.limit is None else chosen[: options.limit]


def run(options: Options) -> Section:
    """Run the spoken benchmark and write its section and plot."""
    speech.require_tools()
    plan = Plan.of(options.adapted_model)
    noises = QUICK_NOISES if options.quick else NOISES
    chosen = {corpus: choose(corpus, options) for corpus in CORPORA}
    utterances = [
        u
        for corpus, items in chosen.items()
        for u in plan_speakers(corpus, items, SPEAKERS, SPEAKING_RATES, noises, options.seed)
    ]
    started = time.perf_counter()
    hearings = hear_all(plan, utterances, options.workers)
    elapsed = time.perf_counter() - started
    return report(hearings, chosen, plan, noises, elapsed, options)


# --- the report --------------------------------------------------------------------------


def _by(hearings: Iterable[Hearing], key: Callable[[Hearing], Any]) -> dict[Any, list[Hearing]]:
    groups: dict[Any, list[Hearing]] = {}
    for h in hearings:
        groups.setdefault(key(h), []).append(h)
    return groups


def _cells(values: Sequence[str]) -> str:
    return " / ".join(values)


def _groups(hearings: Sequence[Hearing]) -> list[tuple[str, str, list[Hearing]]]:
    """(row label, JSON key, clips): each voice, then each family together."""
    by_voice = _by(hearings, lambda h: h.voice)
    by_family = _by(hearings, lambda h: h.family)
    rows = [(v.name, v.name, by_voice[v.name]) for v in ALL_VOICES if v.name in by_voice]
    for family in ("espeak-ng", "neural"):
        if family in by_family:
            count = len({h.voice for h in by_family[family]})
            label = f"**{FAMILY_TITLES[family]}** ({count})"
            rows.append((label, family, by_family[family]))
    return rows


def corpus_table(
    hearings: Sequence[Hearing], slots: Sequence[Slot], noises: Sequence[float | None]
) -> tuple[str, dict[str, Any]]:
    """One corpus: every voice and family in every noise condition, every method side by side."""
    by_noise = _by(hearings, lambda h: h.snr)
    rows = []
    summary: dict[str, Any] = {}
    for snr in noises:
        for label, json_key, group in _groups(by_noise.get(snr, [])):
            scores = [score(group, s.key) for s in slots]
            summary.setdefault(json_key, {})[condition_name(snr)] = {
                s.key: asdict(sc) for s, sc in zip(slots, scores, strict=True)
            }
            rows.append(
                [
                    condition_name(snr),
                    label,
                    str(len(group)),
                    _cells([pct(s.decision_accuracy) for s in scores]),
                    _cells([pct(s.red_flag_recall) for s in scores]) + f" ({scores[0].red_flags})",
                    _cells([pct(s.false_red_flags) for s in scores]),
                    _cells([pct(s.wer) for s in scores]),
                    _cells([pct(s.keyword_recall) for s in scores]),
                ]
            )
    header = [
        "noise",
        "voice",
        "clips",
        "decision accuracy",
        "red-flag recall (n)",
        "false red flags",
        "WER",
        "keyword recall",
    ]
    return table(header, rows), summary


def questions_table(
    hearings: Sequence[Hearing], slots: Sequence[Slot], noises: Sequence[float | None]
) -> str:
    """For methods with alternatives: red flags caught by asking, and needless questions."""
    with_alternatives = [s for s in slots if any(h.heard[s.key].alternatives for h in hearings)]
    if not with_alternatives:
        return ""
    by = _by(hearings, lambda h: (h.family, h.snr))
    rows = []
    for family in ("espeak-ng", "neural"):
        for snr in noises:
            group = by.get((family, snr), [])
            if group:
                scores = [score(group, s.key) for s in with_alternatives]
                rows.append(
                    [
                        FAMILY_TITLES[family],
                        condition_name(snr),
                        _cells([pct(s.asked_recall) for s in scores]),
                        _cells([pct(s.needless_questions) for s in scores]),
                    ]
                )
    names = " / ".join(s.title for s in with_alternatives)
    return (
        f"Red flags in the decided text or in an alternative hearing (which the assistant "
        f"would ask about), and questions asked needlessly ({names}):\n\n"
        + table(["voices", "noise", "red flag escalated or asked", "needless questions"], rows)
    )


def target_rows(
    hearings: Sequence[Hearing], slots: Sequence[Slot], noises: Sequence[float | None]
) -> list[dict[str, str]]:
    """Issue 10's spoken targets on the held-out sets together, each method's figure."""
    held_out = [h for h in hearings if h.corpus in HELD_OUT]
    by = _by(held_out, lambda h: (h.family, h.snr))
    rows = []

    def row(goal: str, target: str, values: list[float | None], met: list[bool]) -> None:
        winners = [s.title for s, ok in zip(slots, met, strict=True) if ok]
        rows.append(
            {
                "target": goal,
                "goal": target,
                "measured": _cells([pct(v) for v in values]),
                "verdict": "met by " + ", ".join(winners) if winners else "**not met**",
            }
        )

    for family, goal in TARGETS.items():
        title = FAMILY_TITLES[family]
        for snr, wanted in ((None, goal.clean), (10.0, goal.noisy)):
            group = by.get((family, snr), [])
            if not group or snr not in noises:
                continue
            values = [score(group, s.key).decision_accuracy for s in slots]
            row(
                f"decision accuracy, {condition_name(snr)}, {title}",
                f"≥ {pct(wanted)}",
                list(values),
                [v >= wanted for v in values],
            )
        worst: list[float | None] = []
        for s in slots:
            recalls = [
                score(by[(family, snr)], s.key).red_flag_recall
                for snr in noises
                if (family, snr) in by
            ]
            known = [r for r in recalls if r is not None]
            worst.append(min(known) if known else None)
        row(
            f"red-flag recall, every condition, {title}",
            f"≥ {pct(goal.red_flag)}",
            worst,
            [w is not None and w >= goal.red_flag for w in worst],
        )
    highest: list[float | None] = []
    for s in slots:
        rates = [
            score(group, s.key).false_red_flags
            for group in by.values()  # every family and condition
        ]
        known = [r for r in rates if r is not None]
        highest.append(max(known) if known else None)
    row(
        "false red flags, every condition and voice family",
        f"≤ {pct(FALSE_RED_FLAGS_MAX)}",
        highest,
        [h is not None and h <= FALSE_RED_FLAGS_MAX for h in highest],
    )
    return rows


def methods_table(
    hearings: Sequence[Hearing], plan: Plan, vocabulary: int | None
) -> tuple[str, dict[str, Any]]:
    """What each slot is, whether it was measured, and what it cost."""
    audio_seconds = sum(h.audio_seconds for h in hearings)
    rows, summary = [], {}
    for slot in [*plan.slots(), *plan.missing()]:
        measured = slot.key in plan.keys
        spent = sum(h.seconds.get(slot.key, 0.0) for h in hearings)
        rtf = spent / audio_seconds if measured and audio_seconds else None
        about = slot.about
        if slot.key == "domain" and vocabulary is not None:
            about += f"; {vocabulary} words"
        status = f"{rtf:.3f}" if rtf is not None else "not measured: no --adapted-model DIR"
        rows.append([slot.title, about, status])
        summary[slot.key] = {"title": slot.title, "measured": measured, "rtf": rtf}
    return table(["method", "what it is", "real-time factor (CPU)"], rows), summary


def report(
    hearings: Sequence[Hearing],
    chosen: dict[str, list[Item]],
    plan: Plan,
    noises: Sequence[float | None],
    elapsed: float,
    options: Options,
) -> Section:
    """The spoken-accuracy section from decoded clips."""
    slots = plan.slots()
    vocabulary = None
    if "domain" in plan.keys:
        from benchmarks.domain_pass import DomainPass
        from benchmarks.methods import transcriber

        vocabulary = len(DomainPass.load(transcriber(None)).vocabulary)
    methods, method_summary = methods_table(hearings, plan, vocabulary)
    legend = " / ".join(s.title for s in slots)
    by_corpus = _by(hearings, lambda h: h.corpus)
    parts = []
    summary: dict[str, Any] = {
        "methods": method_summary,
        "voices": [v.name for v in ALL_VOICES],
        "noises": [condition_name(n) for n in noises],
        "corpora": {},
    }
    for corpus, title in CORPORA.items():
        group = by_corpus.get(corpus, [])
        items = chosen[corpus]
        typed = Score()
        for item in items:
            typed.add(item, decide(item.text))
        flags = sum(i.red_flag for i in items)
        grid, scores = corpus_table(group, slots, noises)
        summary["corpora"][corpus] = {
            "title": title,
            "utterances": len(items),
            "red_flag_utterances": flags,
            "clips": len(group),
            "typed_accuracy": typed.accuracy,
            "scores": scores,
        }
        scope = (
            "evaluation only: nothing is built or tuned on it"
            if corpus in HELD_OUT
            else "the lexicon was written with it"
        )
        kind = (
            "every utterance a person would say"
            if corpus in HELD_OUT and not options.quick and options.limit is None
            else "a sample of its red flags and a category-stratified sample of the rest, "
            "fixed seed"
            if not options.quick and options.limit is None
            else "a small sample"
        )
        questions = questions_table(group, slots, noises)
        parts.append(
            f"### {title.capitalize()} ({scope})\n\n"
            f"`support/data/{_file(corpus)}`: {len(items)} utterances ({kind}), {flags} of them "
            f"red flags; {len(group)} clips. Advice on their typed text is right "
            f"{pct(typed.accuracy)} of the time.\n\n{grid}\n\n{questions}\n"
        )
    targets = target_rows(hearings, slots, noises)
    summary["targets"] = targets
    dev = by_corpus.get("corpus", [])
    diagnosis = _diagnosis(dev, slots)
    audio_seconds = sum(h.audio_seconds for h in hearings)
    summary.update({"clips": len(hearings), "audio_seconds": audio_seconds, "seconds": elapsed})
    figure = _plot(hearings, slots, noises, options.out_dir / "spoken_accuracy.png")
    speakers = ", ".join(v.name for v in ALL_VOICES)
    body = f"""\
Each utterance is said once by each neural voice and once by one of the four espeak-ng voices
in turn ({speakers}), at the voice's own pace or a fifth slower (taking turns within each
category, so every voice and rate hears a like mix), with {audio.PAD_SECONDS:g} s of silence
before and after, and heard in every noise condition ({", ".join(map(condition_name, noises))};
pink noise at an exact SNR over the speech): {len(hearings)} clips, {audio_seconds / 60:.0f}
minutes of audio, decoded on {options.workers} processes in {elapsed / 60:.1f} minutes.
The "asr_slip" lines of the corpora are already misheard text and are not spoken.

Every clip is heard by every method below. Red-flag recall counts a red-flag clip as caught
when the advice sends the person to a doctor at least as urgently as its label says
(support/scoring.py, as for typed text); a false red flag is an urgent or emergency answer to a
clip whose label does not send the person to a doctor. WER is of the transcript the method
shows the person; keyword recall is of the domain words in the text it decides on.

{methods}

Real-time factor: CPU time of decoding over audio time, for each method beyond what the methods
before it had already decoded (the domain pass reuses the general transcript).

Cells give the methods in this order: **{legend}**.

{chr(10).join(parts)}
![spoken accuracy]({figure.name})

{diagnosis}
"""
    return Section("Spoken accuracy", body, [figure], summary)


def _file(corpus: str) -> str:
    from support.corpora import CORPORA as FILES

    return FILES[corpus]


def _diagnosis(dev: Sequence[Hearing], slots: Sequence[Slot]) -> str:
    """Where the development corpus's clips go wrong (never the held-out sets')."""
    if not dev:
        return ""
    misheard: dict[str, Counter[tuple[str, str]]] = {
        family: mishearings(h for h in dev if h.family == family)
        for family in ("neural", "espeak-ng")
    }
    total = misheard["neural"] + misheard["espeak-ng"]
    mishear_rows = [
        [
            said,
            written,
            str(misheard["neural"][(said, written)]),
            str(misheard["espeak-ng"][(said, written)]),
        ]
        for (said, written), _ in total.most_common(25)
    ]
    wrong_rows = []
    for s in slots:
        wrong = [h for h in dev if not Score().add(h.item, decide(h.heard[s.key].text))]
        lost = sum(
            not all(k in set(h.heard[s.key].text.split()) for k in keywords(h.item.text))
            for h in wrong
        )
        wrong_rows.append([s.title, str(len(wrong)), str(lost), str(len(wrong) - lost)])
    understanding = heard_but_missed(dev, "general")
    examples = [
        [h.item.text, h.heard["general"].transcript, " / ".join(h.item.expected), h.voice]
        for h in understanding[:12]
    ]
    example_table = (
        "Some clips the general model heard every domain word of, decided wrongly all the same "
        "(a misheard small word, or wording the lexicon does not know):\n\n"
        + table(["said", "Vosk wrote", "expected", "voice"], examples)
        if examples
        else ""
    )
    return f"""\
### Where the development corpus goes wrong

Only the development corpus is looked into here: the held-out sets' mishearings are not shown,
so that nothing is tuned on them.

Most frequent mishearings of domain words by the general model, by voice family (espeak-ng's
own ones would not help real speakers):

{table(["said", "Vosk wrote", "neural", "espeak-ng"], mishear_rows) if mishear_rows else "none"}

Clips decided wrongly (or a red flag not escalated enough), and whether a domain word was
missing from the text decided on (lost in hearing) or not (lost in understanding):

{table(["method", "wrong", "lost in hearing", "lost in understanding"], wrong_rows)}

{example_table}
"""


def _plot(
    hearings: Sequence[Hearing],
    slots: Sequence[Slot],
    noises: Sequence[float | None],
    path: Path,
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    held_out = [h for h in hearings if h.corpus in HELD_OUT] or list(hearings)
    shown = [n for n in (None, 10.0) if n in noises]
    voices = [v for v in ALL_VOICES if any(h.voice == v.name for h in held_out)]
    by = _by(held_out, lambda h: (h.voice, h.snr))
    fig, axes = plt.subplots(2, len(shown), figsize=(6 * len(shown), 7), squeeze=False)
    width = 0.8 / max(1, len(slots))
    x = np.arange(len(voices))
    colours = ["#9bb7d4", "#2e5f8a", "#d98c3a", "#7a3b0f"]
    for col, snr in enumerate(shown):
        for row, metric in enumerate(("decision_accuracy", "red_flag_recall")):
            ax = axes[row][col]
            for k, slot in enumerate(slots):
                values = []
                for v in voices:
                    group = by.get((v.name, snr), [])
                    value = getattr(score(group, slot.key), metric) if group else None
                    values.append(value or 0.0)
                ax.bar(
                    x + (k - (len(slots) - 1) / 2) * width,
                    values,
                    width,
                    label=slot.title,
                    color=colours[k % len(colours)],
                )
            for k, v in enumerate(voices):
                goal = TARGETS[v.family]
                wanted = goal.red_flag if row else (goal.clean if snr is None else goal.noisy)
                ax.hlines(wanted, k - 0.45, k + 0.45, colors="#c0392b", linestyles="--")
            ax.set_xticks(x, [v.name.replace(" ", "\n") for v in voices], fontsize=8)
            ax.set_ylim(0, 1)
            name = "Decision accuracy" if row == 0 else "Red-flag recall"
            ax.set_title(f"{name}, {condition_name(snr)} (held-out sets)")
            ax.grid(axis="y", alpha=0.3)
    axes[0][0].set_ylabel("share of clips (red dashes: target)")
    axes[0][0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
