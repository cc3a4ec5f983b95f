"""Accuracy measures shared by the tests and the benchmarks."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from functools import cache

from intents.tokenize import words
from support import DATA


def edit_distance(reference: Sequence[str], hypothesis: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions and deletions)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref_word in enumerate(reference, start=1):
        current = [i]
        for j, hyp_word in enumerate(hypothesis, start=1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (ref_word != hyp_word),
                )
            )
        previous = current
    return previous[-1]


def word_error_rate(pairs: Iterable[tuple[str, str]]) -> float:
    """Corpus WER: total word edits over total reference words, for (reference, hypothesis)."""
    edits = words = 0
    for reference, hypothesis in pairs:
        ref_words = reference.split()
        edits += edit_distance(ref_words, hypothesis.split())
        words += len(ref_words)
    return edits / words if words else 0.0


def keyword_recall(pairs: Iterable[tuple[Sequence[str], str]]) -> float:
    """Share of expected keywords found as whole words in the hypothesis, for (keywords, text)."""
    found = expected = 0
    for keywords, hypothesis in pairs:
        heard = set(hypothesis.split())
        found += sum(keyword in heard for keyword in keywords)
        expected += len(keywords)
    return found / expected if expected else 0.0


@cache
def _spoken_forms() -> tuple[dict[str, str], dict[str, str]]:
    data = tomllib.loads((DATA / "spoken_forms.toml").read_text(encoding="utf-8"))
    return dict(data["symbols"]), dict(data["numbers"])


def normalise(text: str) -> str:
    """Text as a recogniser writes it, for word error rate: lower case words without
    punctuation ("call-forward" is two words), symbols and small numerals said as words
    ("press 1 or #" is "press one or pound"; support/data/spoken_forms.toml)."""
    symbols, numbers = _spoken_forms()
    for symbol, said in symbols.items():
        text = text.replace(symbol, f" {said} ")
    return " ".join(numbers.get(word, word) for word in words(text))
