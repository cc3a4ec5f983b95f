"""The labelled corpus as the spoken benchmark uses it: the subset, voices and keywords.

The corpus itself is read by :mod:`support.corpora`, the one loader of tests and benchmarks.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from benchmarks.domain_pass import COMMON_WORDS, lexicon_words
from intents import load_lexicon
from intents.tokenize import stem, words
from support.corpora import Labelled as Item
from support.corpora import load

VOICES: tuple[str, ...] = ("en-us", "en-gb", "en-us+f3")
"""espeak-ng voices: American and British male, and an American female variant."""
RATES: tuple[int, ...] = (140, 175)
"""Words a minute: unhurried and brisk."""
NOISES: tuple[float | None, ...] = (None, 20.0, 10.0)
"""Clean, then pink noise at 20 dB and 10 dB SNR."""


@dataclass(frozen=True)
class Task:
    """One utterance to speak in one voice and rate, and hear in each noise condition."""

    item: Item
    """What is said."""
    voice: str
    """espeak-ng voice."""
    rate: int
    """Words a minute."""
    noises: tuple[float | None, ...]
    """SNRs in dB (None: clean)."""
    seed: int
    """Seed of this utterance's noise."""


def load_items() -> list[Item]:
    """Every utterance of the development corpus."""
    return load("corpus")


def select(
    items: Sequence[Item], others: int | None, red_flags: int | None, seed: int
) -> list[Item]:
    """Every red-flag item (or ``red_flags`` of them) and a sample of ``others`` of the rest.

    The sample is stratified: each category keeps its share. None means all.
    """
    rng = random.Random(seed)
    flagged = [i for i in items if i.red_flag]
    rest = [i for i in items if not i.red_flag]
    if red_flags is not None and red_flags < len(flagged):
        flagged = rng.sample(flagged, red_flags)
    if others is not None and others < len(rest):
        rest = _stratified(rest, others, rng)
    return sorted([*flagged, *rest], key=lambda i: i.index)


def _stratified(items: Sequence[Item], count: int, rng: random.Random) -> list[Item]:
    by_category: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    # Largest remainder: each category gets its share of `count`, rounded fairly.
    shares = {c: len(group) * count / len(items) for c, group in by_category.items()}
    taken = {c: int(s) for c, s in shares.items()}
    left = count - sum(taken.values())
    for c in sorted(shares, key=lambda c: shares[c] - taken[c], reverse=True)[:left]:
        taken[c] += 1
    chosen: list[Item] = []
    for c, group in sorted(by_category.items()):
        chosen += rng.sample(group, taken[c])
    return chosen


def plan(
    items: Sequence[Item],
    voices: Sequence[str],
    rates: Sequence[int],
    noises: Sequence[float | None],
    seed: int,
) -> list[Task]:
    """Each item is heard in every noise condition, spoken in one voice and rate.

    The voice and rate rotate through all combinations within each category, so every
    combination hears a like mix of utterances and each noise condition hears the whole subset.
    """
    rng = random.Random(seed)
    combos = [(v, r) for v in voices for r in rates]
    by_category: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    tasks = []
    offset = 0
    for category in sorted(by_category):
        group = by_category[category][:]
        rng.shuffle(group)
        for k, item in enumerate(group):
            voice, rate = combos[(offset + k) % len(combos)]
            tasks.append(Task(item, voice, rate, tuple(noises), seed * 1000 + item.index))
        offset += len(group)
    return sorted(tasks, key=lambda t: t.item.index)


@cache
def keyword_stems() -> frozenset[str]:
    """Stems of the lexicon's content words: the words a decision can hinge on."""
    lexicon = load_lexicon()
    plain = set(COMMON_WORDS) | set(lexicon.fillers) | set(lexicon.hesitations)
    plain |= set(lexicon.negation.scope_ends)
    negation = lexicon.negation
    plain |= {w for t in (*negation.before, *negation.after, *negation.pseudo) for w in words(t)}
    stems = {_stem(w) for w in lexicon_words(lexicon) if w not in plain and len(w) > 2}
    return frozenset(stems - {_stem(w) for w in plain})


def _stem(word: str) -> str:
    return stem(word.replace("'", ""))


def keywords(text: str) -> list[str]:
    """The words of ``text`` that carry domain meaning (knee, sprained, chest, numb ...)."""
    domain = keyword_stems()
    return [w for w in words(text) if _stem(w) in domain]
