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


@pytest.mark.parametrize("name", [f"dev{n}" for n in range(2, 13)])
def test_floors_hold_on_the_sets_each_lexicon_round_was_tuned_on(name: str) -> None:
    # A later round must not undo an earlier one: every red flag of them still escalates.
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


# Every concern said is heard: two kinds in one description give "both" (physiotherapy with the
# caution when a massage caution applies), whatever joins them.
TWO_KINDS = [
    ("I broke my ankle in March and I'm also really stressed about work", "both"),
    ("i did my hamstring playing rugby. also work's been crazy stressful", "both"),
    ("i've got ms and on top of everything i'm really stressed with the kids", "both"),
    ("chronic knee pain and on top of that my shoulders are all knotted up from work", "both"),
    ("i have scoliosis and i'd love something relaxing to help me chill", "both"),
    ("I had a hip replacement in the spring, plus I never sleep well", "both"),
    ("my arthritis is playing up, not to mention I'm completely frazzled", "both"),
    ("I've got tennis elbow. Also I'd like to relax a bit", "both"),
    ("my plantar fasciitis is bad and I'm stressed out of my mind", "both"),
    ("I tore my rotator cuff and I can't sleep with the worry", "both"),
    ("I sprained my wrist and besides that I've had a lot of headaches", "both"),
    ("I've got a slipped disc and I'm worn out", "both"),
    ("I want help with my posture and I'd like to unwind", "both"),
    ("I pulled my calf and my neck is really stiff from my desk", "both"),
    ("I'm rebuilding strength after a fall and my mind is racing at night", "both"),
    ("I have fibromyalgia, and I'd love a relaxing massage", "both"),
    ("my ACL reconstruction was in January and I'm dead stressed", "both"),
    ("my knee replacement is doing well and I also want to de-stress", "both"),
    ("I've got bad arthritis in my hands plus my shoulders are in knots", "both"),
    ("I have a bad knee from football and my shoulders are tense from work", "both"),
    ("I had a hysterectomy last year and I'm anxious all the time", "both"),
    ("I've had sciatica for years, and separately my neck gets tense when I'm stressed", "both"),
    ("my back is killing me after a fall and I haven't slept properly in weeks", "both"),
    ("I've been diagnosed with bursitis and I'm also exhausted", "both"),
    ("I sprained my ankle last week and on top of that I've got really bad headaches", "both"),
    ("I have osteoarthritis and I'd really like a massage to unwind", "both"),
    ("I've got a frozen shoulder, plus my lower back is really tight from sitting", "both"),
    ("physio for my knee and something for my stress", "both"),
    ("i twisted my ankle and i'm really stressed about my exams", "both"),
    ("i've got arthritis and i just want to chill out", "both"),
    ("i had my knee scoped and i'm not sleeping well", "both"),
    ("my physio is helping my back but i'm also knackered all the time", "both"),
    ("i pulled my hamstring and my shoulders are tight from work", "both"),
    ("i've got tendonitis in my wrist as well as tension headaches", "both"),
    ("i have a bad back from an old injury and i'm stressed out", "both"),
    # A caution holds massage back: physiotherapy, with the caution said.
    ("I'm recovering from a broken wrist as well as being totally burnt out", "physiotherapy"),
    ("knee surgery six weeks ago and I'm exhausted all the time", "physiotherapy"),
    # Tightness of the injured or operated part is part of that problem.
    ("I sprained my ankle and it's really stiff", "physiotherapy"),
    ("I hurt my back lifting and now it's tight and knotted", "physiotherapy"),
    ("my frozen shoulder is tight", "physiotherapy"),
    # An overuse injury of sport (a joint, a tendon, a bone) is physiotherapy's ...
    ("I'm a runner and my shins hurt after every run", "physiotherapy"),
    ("my achilles is killing me after every run", "physiotherapy"),
    ("I get shin pain when I run", "physiotherapy"),
    ("my heel hurts every morning since I started running", "physiotherapy"),
    ("my knees ache after squash", "physiotherapy"),
    ("my knee gives way when I play football", "physiotherapy"),
    ("i'm a cyclist and my knee hurts on long rides", "physiotherapy"),
    ("i did my knee in skiing", "physiotherapy"),
    ("my back went when i was lifting the shopping", "physiotherapy"),
    # ... sore muscles after exercise are massage's.
    ("my legs are sore after my first 10k", "massage_therapy"),
    ("my quads are really sore after leg day", "massage_therapy"),
    ("I'm sore and stiff after my first week back at the gym", "massage_therapy"),
    # A negation ends with its sentence, or at a word that adds something else.
    ("no injuries. work stress mostly", "massage_therapy"),
    ("I don't have any injury plus I'm stressed", "massage_therapy"),
    ("not to mention I'm exhausted", "massage_therapy"),
    ("i haven't injured anything, i'm just sore from the gym", "massage_therapy"),
    # Aching all over is never part of a problem of one part.
    ("my hip replacement is healing and i ache all over from the move", "both"),
    ("i tore my calf last month and honestly i'm sore all over from work", "both"),
    # What someone else said is a claim of its own, out of the negation's reach.
    ("it isn't stress, the physio says it's a strained hamstring", "physiotherapy"),
    # "A pain in the neck" is an idiom; "the pain in my neck" is pain.
    ("the commute is a pain in the neck and i'm so stressed", "massage_therapy"),
    ("i've had the pain in the neck for six years now", "physiotherapy"),
]


@pytest.mark.parametrize(("text", "expected"), TWO_KINDS, ids=[t for t, _ in TWO_KINDS])
def test_every_concern_said_is_heard(text: str, expected: str) -> None:
    decision = advise(text).decision
    assert decision.recommendation == expected, (text, decision.concerns)
    assert decision.urgency is None


def test_both_names_each_concern_in_the_reply() -> None:
    reply = advise("i did my hamstring playing rugby. also work's been crazy stressful").reply
    assert "you did your hamstring" in reply.explanation
    assert "stressful" in reply.explanation


FRAGMENTS = [
    "I have a sore",
    "a sore",
    "my sore",
    "my",
    "what's the weather like",
    "is it going to rain",
    "I have a",
    "I've got a",
    "it's",
    "the",
    "okay",
    "my back",
    "I need to",
    "um I have",
    "hello, how are you",
    "good morning",
    "can you hear me",
    "what can you do",
    "who are you",
    "what's your name",
    "thank you very much",
    "sorry",
    "I was just wondering",
    "hmm let me think",
    "can I book an appointment",
    "I'm fine thanks",
    "nothing really",
    "run",
    "I went for a run today, it was lovely",
    "I'm going to the gym later",
    "I love football",
    "it's a bit cold today",
    "I'm sick of waiting",
    "I'm tired of this weather",
    "I have a sore throat",
    "sorry, I pressed the wrong button by accident",
]


@pytest.mark.parametrize("text", FRAGMENTS)
def test_fragments_and_chit_chat_stay_unclear(text: str) -> None:
    decision = advise(text).decision
    assert (decision.recommendation, decision.urgency) == ("unclear", None), decision.concerns
