"""Red flags as combinations of signs, typed: each row of the red-flag table is made of signs
(where it is, where it spreads, what it feels like, how it began, what comes with it), and any
everyday wording that names them sends the person to medical care at the row's urgency.

The phrasings are data (support/data/red_flag_signs.tsv), written from the table and the
domain notes. The near misses below must not escalate: a sign with a known or past cause (an
old stroke, a clot treated last year) is physiotherapy's or a massage caution, not an emergency.
"""

from __future__ import annotations

import pytest

from assistant.core.advice import advise
from intents import load_lexicon
from support.corpora import SignedRedFlag, red_flag_signs

SIGNED = red_flag_signs()


@pytest.mark.parametrize("phrasing", SIGNED, ids=[p.text for p in SIGNED])
def test_the_signs_of_a_red_flag_escalate(phrasing: SignedRedFlag) -> None:
    decision = advise(phrasing.text).decision
    assert decision.recommendation == "see_doctor", phrasing.text
    assert decision.urgency == phrasing.urgency, phrasing.text
    assert phrasing.flag in decision.red_flags, decision.red_flags


def test_every_red_flag_is_said_through_its_signs_many_ways() -> None:
    flags = [p.flag for p in SIGNED]
    for flag in load_lexicon().red_flags:
        assert flags.count(flag.name) >= 10, flag.name
    clot = {p.urgency for p in SIGNED if p.flag == "deep_vein_thrombosis"}
    assert clot == {"urgent", "emergency"}  # with breathlessness a clot is an emergency


# A sign with a cause that explains it, or an episode long past and treated: no red flag.
NOT_RED_FLAGS: list[tuple[str, set[str]]] = [
    ("I had a stroke two years ago and my left side is still weak", {"physiotherapy"}),
    ("i had a stroke last year and my speech is still a bit slow", {"physiotherapy"}),
    ("I had a blood clot last year that was treated and I want to unwind", {"see_doctor"}),
    ("I had a DVT a few years ago, it's all sorted now, and I'd love a massage", {"see_doctor"}),
    ("i had a dvt last year and would like a massage", {"see_doctor"}),
    ("i'm on warfarin for an old clot and my shoulders are tight", {"see_doctor"}),
    (
        "my husband had a heart attack last year and needs to get his strength back",
        {"physiotherapy"},
    ),
    ("i had a heart attack two years ago and want to get fitter", {"physiotherapy"}),
    ("I broke my wrist years ago and it still clicks", {"physiotherapy"}),
    ("i broke my leg three years ago and it still aches in the cold", {"physiotherapy"}),
    ("my shoulder dislocated years ago and it's been weak ever since", {"physiotherapy"}),
    ("my left arm is weak since I broke it", {"physiotherapy"}),
    ("my left leg has been weak since my knee operation", {"physiotherapy"}),
    ("my right hand is numb from carpal tunnel", {"physiotherapy"}),
    ("I have MS and my balance is getting worse", {"physiotherapy"}),
    ("my balance has never been good since my ms diagnosis", {"physiotherapy"}),
    ("after my hip replacement I'm unsteady and use a frame", {"physiotherapy"}),
    ("I had a fall last year and I'm still a bit wobbly on my feet", {"physiotherapy"}),
    ("i have diabetic neuropathy and numb feet", {"physiotherapy"}),
    ("I'm sweaty and out of breath after my run and my legs ache", {"massage_therapy"}),
    ("I'm clammy and anxious before presentations", {"massage_therapy"}),
    ("i'm clammy and my heart races when i panic", {"massage_therapy"}),
    ("my heart races when I'm anxious", {"massage_therapy"}),
    ("i've been so stressed i feel sick", {"massage_therapy"}),
    ("I feel sick with nerves before my exam", {"unclear", "massage_therapy"}),
    ("i'm exhausted and a bit dizzy from not sleeping", {"massage_therapy"}),
    ("I get dizzy when I stand up too fast and I'm always tired", {"massage_therapy"}),
    ("my jaw aches from grinding my teeth", {"massage_therapy"}),
    ("my jaw is tight from clenching at night", {"massage_therapy"}),
    ("my shoulders are up by my ears and my jaw aches", {"massage_therapy"}),
    ("my shoulders feel heavy and tight from stress", {"massage_therapy"}),
    ("my arm aches from carrying the shopping", {"massage_therapy", "unclear"}),
    ("I did chest day at the gym and now my chest is sore", {"massage_therapy", "unclear"}),
    ("my legs ache after a long walk", {"massage_therapy"}),
    ("my legs feel heavy after standing all day at work", {"massage_therapy"}),
    ("my calves cramp after long runs", {"massage_therapy"}),
    ("I've got a long flight next week and my back is stiff", {"massage_therapy"}),
    ("after a long flight i just want to unwind", {"massage_therapy"}),
    ("i'm going on a long flight next week", {"unclear"}),
    ("my back aches after a long drive", {"massage_therapy"}),
    (
        "my back aches at night after a long day of lifting at work",
        {"massage_therapy", "physiotherapy", "both"},
    ),
    ("back pain since my fall last month", {"physiotherapy"}),
    ("my back hurts after gardening and i've had sciatica for years", {"physiotherapy"}),
    ("I've had headaches on and off for years", {"massage_therapy"}),
    ("i get migraines when i'm stressed", {"massage_therapy"}),
    ("i've had a headache since this morning from staring at screens", {"massage_therapy"}),
    ("my neck is stiff from sleeping funny", {"massage_therapy"}),
    ("my neck is stiff and my head aches after a long day at the desk", {"massage_therapy"}),
    ("my ankle is swollen since I sprained it", {"physiotherapy"}),
    ("I twisted my knee and it's swollen and warm", {"physiotherapy"}),
    ("my knee swells up a bit after football", {"physiotherapy"}),
    ("i've got arthritis in my knee and it gets hot after walking", {"physiotherapy"}),
    ("I pulled my calf running and it hurts", {"physiotherapy"}),
    ("my calf is tight after i pulled it playing football", {"physiotherapy"}),
    ("i tore my calf last year and it's still tight", {"physiotherapy"}),
    ("i had surgery on my knee last year and it still clicks", {"physiotherapy"}),
    ("i had an operation in january and i want to relax", {"both"}),
    ("i can't straighten my arm since the fall", {"physiotherapy"}),
    ("I've got a bit of a cold and feel rotten, I just want to relax", {"massage_therapy"}),
    # A knock to the head long past, with nothing that came of it.
    (
        "I hit my head last year and I'm fine now but my shoulder is stiff from a fall",
        {"physiotherapy"},
    ),
    ("I banged my head as a kid and I'd like a relaxing massage", {"massage_therapy", "both"}),
    # A limb numb from the way it was sat or lain on.
    ("my leg has gone numb from sitting cross legged", {"unclear", "massage_therapy"}),
    ("my arm went numb from sleeping on it", {"unclear", "massage_therapy"}),
    # "Crushing" said of work, not of a chest.
    ("work is crushing me and my arm is tingling from typing", {"unclear", "massage_therapy"}),
    (
        "my workload is crushing me and my left arm aches from the mouse",
        {"unclear", "massage_therapy"},
    ),
]


@pytest.mark.parametrize(("text", "allowed"), NOT_RED_FLAGS, ids=[t for t, _ in NOT_RED_FLAGS])
def test_a_sign_with_a_known_or_past_cause_is_no_red_flag(text: str, allowed: set[str]) -> None:
    decision = advise(text).decision
    assert decision.urgency is None, (text, decision.red_flags)
    assert decision.recommendation in allowed, (text, decision.recommendation)


def test_a_clot_long_past_is_a_massage_caution_said_in_the_persons_words() -> None:
    advice = advise("I had a blood clot last year that was treated and I want to unwind")
    assert advice.decision.contraindications == ("blood_clot",)
    assert advice.reply.explanation.startswith("Because you mentioned you had a blood clot,")


@pytest.mark.parametrize(
    "text",
    [
        "I think I might have a blood clot in my leg",
        "I had a blood clot last year and now my calf is swollen and hot",
        "I had a heart attack last year and now I've got chest pain again",
        "I had a stroke years ago and this morning I woke up with my left arm numb and weak",
        "I broke my wrist years ago and today I heard a crack and it looks wrong",
    ],
)
def test_signs_said_of_now_escalate_whatever_was_past(text: str) -> None:
    decision = advise(text).decision
    assert decision.recommendation == "see_doctor" and decision.urgency is not None, text
