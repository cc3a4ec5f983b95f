"""The labelled corpora as the spoken benchmarks use them: subsets, who says what, keywords.

The corpora themselves are read by :mod:`support.corpora`, the one loader of tests and
benchmarks; the voices are :mod:`support.voices`.
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
from support.voices import ESPEAK_VOICES, NEURAL_VOICES

VOICES: tuple[str, ...] = ("en-us", "en-gb", "en-us+f3")
"""espeak-ng voices of the recogniser comparison: American and British male, and an American
female variant."""
RATES: tuple[int, ...] = (140, 175)
"""Words a minute in the recogniser comparison: unhurried and brisk."""
NOISES: tuple[float | None, ...] = (None, 20.0, 10.0)
"""Clean, then pink noise at 20 dB and 10 dB SNR."""

CORPORA: dict[str, str] = {
    "corpus": "development corpus",
    "heldout": "held-out set 1",
    "heldout2": "held-out set 2",
}
"""The corpora spoken, by their support.corpora name. The lexicon was written with the first;
the held-out ones are for evaluation only: nothing is built or tuned on them."""
HELD_OUT: tuple[str, ...] = ("heldout", "heldout2")
SPEAKERS: tuple[tuple[str, ...], ...] = (
    *((v.name,) for v in NEURAL_VOICES),
    tuple(v.name for v in ESPEAK_VOICES),
)
"""Who says each utterance: one voice of each group, so both neural voices say every one and
the espeak-ng voices take turns."""
SPEAKING_RATES: tuple[float, ...] = (1.0, 0.8)
"""Speaking-rate factors: the voice's own pace and a fifth slower (espeak-ng: 175 and 140
words a minute), taking turns like the voices."""


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


@dataclass(frozen=True)
class Utterance:
    """One labelled utterance said by one voice, heard in each noise condition."""

    corpus: str
    """The corpus it comes from (a key of :data:`CORPORA`)."""
    item: Item
    """What is said."""
    voice: str
    """The test voice's name (support.voices)."""
    rate: float
    """Speaking-rate factor."""
    noises: tuple[float | None, ...]
    """SNRs in dB (None: clean)."""
    seed: tuple[int, ...]
    """Seed of this utterance's noise."""


def plan_speakers(
    corpus: str,
    items: Sequence[Item],
    speakers: Sequence[Sequence[str]],
    rates: Sequence[float],
    noises: Sequence[float | None],
    seed: int,
) -> list[Utterance]:
    """Each item said once by a voice of each group in ``speakers``, heard in every noise.

    Within a group the voice and rate take turns through every combination within each
    category, so each voice and rate hears a like mix of the corpus.
    """
    rng = random.Random(seed)
    by_category: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    number = list(CORPORA).index(corpus) if corpus in CORPORA else len(CORPORA)
    spoken = []
    for g, group in enumerate(speakers):
        combos = [(v, r) for v in group for r in rates]
        offset = 0
        for category in sorted(by_category):
            members = by_category[category][:]
            rng.shuffle(members)
            for k, item in enumerate(members):
                voice, rate = combos[(offset + k) % len(combos)]
                noise_seed = (seed, number, item.index, g)
                spoken.append(Utterance(corpus, item, voice, rate, tuple(noises), noise_seed))
            offset += len(members)
    return sorted(spoken, key=lambda u: (u.item.index, u.voice))


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
