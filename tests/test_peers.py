"""Tests for benchmarks/peers.py: a blind set gets a column of its own and leaves the rest be."""

from __future__ import annotations

from benchmarks.peers import Ours, score, table
from intents import load_lexicon
from intents.models import Urgency
from support.corpora import Labelled, load


def row(index: int, text: str, expected: str, urgency: Urgency | None = None) -> Labelled:
    category = "red_flag" if urgency else "injury"
    return Labelled(index, text, (expected,), category, urgency)


BLIND = [
    row(0, "i sprained my ankle playing football", "physiotherapy"),
    row(1, "crushing chest pain spreading to my jaw", "see_doctor", "emergency"),
    # Labelled wrongly on purpose: no matcher says physiotherapy for a hello.
    row(2, "hello there", "physiotherapy"),
    # A red flag said in words no lexicon has: it counts against the blind set's recall.
    row(3, "zzz qqq", "see_doctor", "urgent"),
]


def test_a_blind_set_has_its_own_column_and_leaves_the_corpus_figures_as_they_were() -> None:
    matcher = Ours()
    matcher.build(load_lexicon())
    corpus = {"heldout2": load("heldout2")}
    alone = score(matcher, corpus, min_seconds=0.0)
    both = score(matcher, {**corpus, "blind_x": BLIND}, min_seconds=0.0)
    assert both.accuracy == {**alone.accuracy, "blind_x": 0.5}
    assert both.blind_recall == {"blind_x": 0.5} and alone.blind_recall == {}
    assert (both.red_flag_recall, both.false_red_flags, both.negation) == (
        alone.red_flag_recall,
        alone.false_red_flags,
        alone.negation,
    )
    head, _, line = table([both], {**corpus, "blind_x": BLIND}).splitlines()
    assert head.split(" | ")[2:4] == [
        "accuracy, held-out 2 (never tuned on)",
        "accuracy / red-flag recall, blind_x (blind)",
    ]
    assert line.split(" | ")[3] == "50.0 % / 50.0 %"
