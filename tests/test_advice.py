"""advise() end to end, and the floors held on the labelled corpora."""

from __future__ import annotations

import json

import pytest

from assistant.core.advice import Advice, advise, combine
from intents import load_index, load_lexicon
from support.cli_run import ASK_JSON_KEYS
from support.corpora import Labelled, load
from support.scoring import Score

CORPORA = ("corpus", "heldout")


def score(corpus: list[Labelled]) -> Score:
    """Every utterance through advise(); a red flag must also name the table row it was."""
    index = load_index()
    result = Score()
    for item in corpus:
        decision = advise(item.text, index).decision
        if result.add(item, decision) and item.flag and item.flag not in decision.red_flags:
            result.misses.append(f"{item.text!r}: flagged {decision.red_flags}, not {item.flag}")
    return result


def test_the_corpus_is_big_and_covers_what_the_issue_asks() -> None:
    corpus = load("corpus")
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
    flags = [r.flag for r in corpus if r.flag]
    for name in {r.name for r in load_lexicon().red_flags}:
        assert flags.count(name) >= 3, name


@pytest.mark.parametrize("name", CORPORA)
def test_floors_hold_on_the_corpus(name: str) -> None:
    s = score(load(name))
    assert s.accuracy >= 0.95, s.misses
    assert s.red_flag_recall == 1.0, s.misses
    assert s.false_red_flag_rate <= 0.02, s.misses


def test_floors_hold_on_the_corpus_never_tuned_on() -> None:
    # Written and committed before it was scored; the lexicon is not changed for it, so its
    # accuracy floor is lower (93.3 % when first scored). Safety floors are the same.
    s = score(load("heldout2"))
    assert s.accuracy >= 0.90, s.misses
    assert s.red_flag_recall == 1.0, s.misses
    assert s.false_red_flag_rate <= 0.02, s.misses


def test_advice_carries_text_decision_and_reply() -> None:
    advice = advise("I tore my hamstring")
    assert isinstance(advice, Advice)
    assert advice.text == "I tore my hamstring"
    assert advice.decision.recommendation == "physiotherapy"
    assert advice.reply.reply.endswith("not a diagnosis.")


def test_json_has_exactly_the_contract_fields() -> None:
    data = advise("i have a headache a fever and a stiff neck").to_json()
    assert list(data) == ASK_JSON_KEYS
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
