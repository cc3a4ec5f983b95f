"""Back-off n-gram language models: estimated, read from ARPA, mixed, written as OpenFst text.

Probabilities are log10 as in ARPA files; FST weights are costs in natural log (-ln p), as
Kaldi's arpa2fst writes them and as the Vosk model's graph/Gr.fst holds them. The FST layout is
arpa2fst's: one state per history, a word arc per n-gram, an epsilon arc to the back-off state,
p(</s> | history) as the state's final weight, no arc for <s> (the start state is its history).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

BOS, EOS = "<s>", "</s>"
"""Sentence start and end, as ARPA files write them."""
ARPA_ZERO = -99.0
"""log10 of probability zero in ARPA files."""
EPSILON = 0
"""The epsilon label: a back-off arc."""
LN10 = math.log(10.0)

Ngram = tuple[str, ...]


class GraphError(ValueError):
    """A graph that is not the back-off language model expected."""


@dataclass(frozen=True)
class BackoffModel:
    """A back-off n-gram model over words."""

    probs: tuple[Mapping[Ngram, float], ...]
    """log10 p(w | h) of each n-gram h + (w,); index 0 holds the unigrams."""
    backoffs: tuple[Mapping[Ngram, float], ...]
    """log10 back-off weight of each history, by its length minus one."""

    @property
    def order(self) -> int:
        """The longest n-gram."""
        return len(self.probs)

    def logprob(self, history: Ngram, word: str) -> float:
        """log10 p(word | history) with back-off; ARPA_ZERO for a word the model lacks."""
        history = history[len(history) - self.order + 1 :] if self.order > 1 else ()
        total = 0.0
        while True:
            found = self.probs[len(history)].get((*history, word))
            if found is not None:
                return total + found
            if not history:
                return ARPA_ZERO
            total += self.backoffs[len(history) - 1].get(history, 0.0)
            history = history[1:]

    def histories(self) -> list[Ngram]:
        """Every history some n-gram continues, () first, then sorted."""
        found = {gram[:-1] for grams in self.probs[1:] for gram in grams}
        found.discard(())
        return [(), *sorted(found)]


def estimate_kneser_ney(sentences: Iterable[str], order: int) -> BackoffModel:
    """Kneser-Ney model of ``sentences`` (kaldingram: SRILM's -ukndiscount, no cut-offs)."""
    from kaldingram.train import NgramCounts  # only the model build needs it

    counts = NgramCounts(order)
    arpa = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bars
        for sentence in sentences:
            counts.add_raw_counts_from_line(sentence)
        counts.cal_discounting_constants()
        counts.cal_f()
        counts.cal_bow()
        counts.print_as_arpa(fout=arpa)
    return read_arpa(arpa.getvalue())


def read_arpa(text: str) -> BackoffModel:
    """The model an ARPA file holds."""
    probs: list[dict[Ngram, float]] = []
    backoffs: list[dict[Ngram, float]] = []
    n = 0
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("\\") and line.endswith("-grams:"):
            n = int(line[1:].split("-")[0])
            probs.append({})
            backoffs.append({})
        elif line == "\\end\\":
            n = 0
        elif n and line:
            fields = line.split()
            gram = tuple(fields[1 : 1 + n])
            probs[n - 1][gram] = float(fields[0])
            if len(fields) > n + 1:
                backoffs[n - 1][gram] = float(fields[n + 1])
    if not probs:
        raise GraphError("the ARPA text holds no n-grams")
    return BackoffModel(tuple(probs), tuple(backoffs))


def with_unigrams(
    model: BackoffModel, unigrams: Mapping[str, float], weight: float
) -> BackoffModel:
    """``model`` linearly interpolated with a unigram model (``weight`` on the unigrams).

    p(w | h) = (1 - weight) p_model(w | h) + weight p_unigram(w) for every n-gram of ``model``
    and every unigram of either; the back-off weights are then recomputed, shorter histories
    first, so that every history's distribution sums to one again. So a domain model keeps its
    word pairs and triples but may hold any word the unigrams know.
    """

    def mixed(p_model: float, word: str) -> float:
        p = (1 - weight) * _linear(p_model) + weight * _linear(unigrams.get(word, ARPA_ZERO))
        return math.log10(p) if p > 0 else ARPA_ZERO

    known = model.probs[0]
    first: dict[Ngram, float] = {(w,): mixed(known.get((w,), ARPA_ZERO), w) for w in unigrams}
    first.update({g: mixed(p, g[0]) for g, p in known.items()})
    probs: list[dict[Ngram, float]] = [dict(sorted(first.items()))]
    for grams in model.probs[1:]:
        probs.append({g: mixed(model.logprob(g[:-1], g[-1]), g[-1]) for g in grams})
    backoffs: list[dict[Ngram, float]] = [{} for _ in probs]
    result = BackoffModel(tuple(probs), tuple(backoffs))
    for n in range(1, len(probs)):  # histories of n words, from the n+1-grams
        continuations: dict[Ngram, list[str]] = defaultdict(list)
        for gram in probs[n]:
            continuations[gram[:-1]].append(gram[-1])
        for history in sorted(continuations):
            words = continuations[history]
            left = 1.0 - sum(_linear(probs[n][(*history, w)]) for w in words)
            lower = 1.0 - sum(_linear(result.logprob(history[1:], w)) for w in words)
            backoffs[n - 1][history] = math.log10(max(left, 1e-9) / max(lower, 1e-9))
    return result


def _linear(log10_p: float) -> float:
    return 0.0 if log10_p <= ARPA_ZERO else 10.0**log10_p


def fst_text(model: BackoffModel, word_ids: Mapping[str, int], entry_cost: float) -> list[str]:
    """OpenFst text of ``model`` over ``word_ids``, entered from state 0 at ``entry_cost``.

    State 0 is the start; its one epsilon arc, of cost ``entry_cost``, leads to the <s> history.
    """
    histories = model.histories()
    if (BOS,) not in histories:
        raise GraphError("the model has no sentence-start history")
    state = {history: number for number, history in enumerate(histories, start=1)}

    def target(gram: Ngram) -> int:
        gram = gram[len(gram) - model.order + 1 :]
        while gram not in state:
            gram = gram[1:]
        return state[gram]

    lines = [f"0\t{state[(BOS,)]}\t{EPSILON}\t{EPSILON}\t{_cost(entry_cost)}"]
    arcs: dict[Ngram, list[tuple[int, int, float]]] = defaultdict(list)
    finals: dict[Ngram, float] = {}
    for grams in model.probs:
        for gram, logprob in grams.items():
            history, word = gram[:-1], gram[-1]
            if word == BOS or logprob <= ARPA_ZERO:
                continue
            if word == EOS:
                finals[history] = -logprob * LN10
            else:
                arcs[history].append((word_ids[word], target(gram), -logprob * LN10))
    for history in histories:
        source = state[history]
        if history:
            backoff = model.backoffs[len(history) - 1].get(history, 0.0)
            lines.append(
                f"{source}\t{target(history[1:])}\t{EPSILON}\t{EPSILON}\t{_cost(-backoff * LN10)}"
            )
        for label, destination, cost in sorted(arcs[history]):
            lines.append(f"{source}\t{destination}\t{label}\t{label}\t{_cost(cost)}")
        if history in finals:
            lines.append(f"{source}\t{_cost(finals[history])}")
    return lines


def _cost(value: float) -> str:
    return f"{value + 0.0:.9g}"  # + 0.0 turns -0.0 into 0


def unigram_state(lines: Iterable[str], words: Sequence[str | None]) -> dict[str, float]:
    """log10 p(w) of every word at the unigram state of an arpa2fst-style graph.

    ``lines`` are ``fstprint --numeric --acceptor`` output, which prints the start state (the
    <s> history) first; its epsilon arc leads to the unigram state, whose word arcs and final
    weight (</s>) are read. ``words[label]`` is the word of each label. Reading stops after
    that state, so only the start of the printout is needed.
    """
    start = unigram = None
    probs: dict[str, float] = {}
    for line in lines:
        fields = line.rstrip("\n").split("\t")
        source = int(fields[0])
        start = source if start is None else start
        is_arc = len(fields) >= 3
        if source == start and is_arc and int(fields[2]) == EPSILON:
            unigram = int(fields[1])
        elif unigram is not None and source == unigram:
            weight = float(fields[3 if is_arc else 1]) if len(fields) > (3 if is_arc else 1) else 0
            if not is_arc:
                probs[EOS] = -weight / LN10
            elif int(fields[2]) == EPSILON:
                raise GraphError("the start state's back-off state backs off again")
            else:
                word = words[int(fields[2])]
                if word is None:
                    raise GraphError(f"label {fields[2]} has no word")
                probs[word] = -weight / LN10
        elif probs:
            break
    total = sum(_linear(p) for p in probs.values())
    if abs(total - 1.0) > 0.01:
        raise GraphError(f"the unigram probabilities sum to {total:.3f}, not 1")
    return probs
