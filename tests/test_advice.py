"""advise() end to end, and the floors held on the labelled corpora."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.advice import Advice, advise, combine
from intents.load import load_lexicon

DATA = Path(__file__).parent / "data"
CORPORA = ("corpus.jsonl", "corpus_heldout.jsonl")
JSON_KEYS = [
    "text",
    "transcript",
    "recommendation",
    "urgency",
    "concerns",
    "red_flags",
    "explanation",
    "reply",
]
_RANK = {None: 0, "urgent": 1, "emergency": 2}


@dataclass(frozen=True)
class Row:
    text: str
    expected: tuple[str, ...]
    category: str
    urgency: str | None
    red_flag: str | None


def rows(name: str) -> list[Row]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        expected = raw["expected"] if isinstance(raw["expected"], list) else [raw["expected"]]
        out.append(
            Row(
                raw["text"],
                tuple(expected),
                raw["category"],
                raw.get("urgency"),
                raw.get("red_flag"),
            )
        )
    return out


@dataclass(frozen=True)
class Score:
    accuracy: float
    red_flag_recall: float
    false_red_flags: float
    misses: list[str]


def score(corpus: list[Row]) -> Score:
    lx = load_lexicon()
    right = flagged = caught = others = false = 0
    misses = []
    for row in corpus:
        d = advise(row.text, lx).decision
        ok = d.recommendation in row.expected
        right += ok
        if row.category == "red_flag":
            flagged += 1
            escalated = d.recommendation == "see_doctor" and _RANK[d.urgency] >= max(
                _RANK[row.urgency], 1
            )
            caught += escalated
            ok = ok and escalated and (row.red_flag is None or row.red_flag in d.red_flags)
        else:
            others += 1
            false += d.urgency is not None and "see_doctor" not in row.expected
        if not ok:
            misses.append(f"{row.text!r}: {d.recommendation} {d.urgency} {d.red_flags}")
    return Score(right / len(corpus), caught / flagged, false / others, misses)


def test_the_corpus_is_big_and_covers_what_the_issue_asks() -> None:
    corpus = rows("corpus.jsonl")
    assert len(corpus) >= 300
    categories = {r.category for r in corpus}
    assert categories >= {
        "injury",
        "surgery",
        "condition",
        "neurological",
        "chronic_pain",
        "mobility",
        "stress",
        "relaxation",
        "tension",
        "headache",
        "insomnia",
        "fatigue",
        "soreness",
        "circulation",
        "red_flag",
        "negation",
        "mixed",
        "contraindication",
        "off_topic",
        "filler",
        "asr_slip",
    }
    flags = [r.red_flag for r in corpus if r.red_flag]
    for name in {r.name for r in load_lexicon().red_flags}:
        assert flags.count(name) >= 3, name


@pytest.mark.parametrize("name", CORPORA)
def test_floors_hold_on_the_corpus(name: str) -> None:
    s = score(rows(name))
    assert s.accuracy >= 0.95, s.misses
    assert s.red_flag_recall == 1.0, s.misses
    assert s.false_red_flags <= 0.02, s.misses


def test_floors_hold_on_the_corpus_never_tuned_on() -> None:
    # Written and committed before it was scored; the lexicon is not changed for it, so its
    # accuracy floor is lower (93.3 % when first scored). Safety floors are the same.
    s = score(rows("corpus_heldout2.jsonl"))
    assert s.accuracy >= 0.90, s.misses
    assert s.red_flag_recall == 1.0, s.misses
    assert s.false_red_flags <= 0.02, s.misses


def test_advice_carries_text_decision_and_reply() -> None:
    advice = advise("I tore my hamstring")
    assert isinstance(advice, Advice)
    assert advice.text == "I tore my hamstring"
    assert advice.decision.recommendation == "physiotherapy"
    assert advice.reply.reply.endswith("not a diagnosis.")


def test_json_has_exactly_the_contract_fields() -> None:
    data = advise("i have a headache a fever and a stiff neck").to_json()
    assert list(data) == JSON_KEYS
    assert data["transcript"] is None
    assert data["recommendation"] == "see_doctor" and data["urgency"] == "emergency"
    assert data["red_flags"] == ["meningitis"]
    assert "headache" in data["concerns"]
    json.dumps(data)


def test_json_keeps_the_transcript_when_given() -> None:
    assert (
        advise("i can't sleep").to_json(transcript="i can't sleep")["transcript"] == "i can't sleep"
    )


def test_combine_lets_an_answer_follow_a_negation() -> None:
    both = combine("no injury", "it's stress at work")
    assert advise(both).decision.recommendation == "massage_therapy"
    assert combine("", "stress") == "stress" and combine("stress", " ") == "stress"


def test_a_clarified_pain_gets_a_recommendation() -> None:
    assert advise("my back hurts").decision.recommendation == "unclear"
    assert advise(combine("my back hurts", "i fell off a ladder")).decision.recommendation == (
        "physiotherapy"
    )
