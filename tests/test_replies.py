"""Replies for the ear: what they start with, end with, and name."""

from __future__ import annotations

import re

import pytest

from assistant.core.advice import advise
from assistant.core.decision import decide
from assistant.core.replies import CALL_NOW, REMINDER, SEE_TODAY, compose, second_person

SAMPLES = [
    "i had knee surgery last month",
    "i'm so stressed at work",
    "i sprained my ankle and work has been really stressful",
    "i'm pregnant and i want to relax",
    "i'm pregnant and my knee replacement needs work, can i book a massage",
    "i had an operation two weeks ago and i'm stressed",
    "i'm on warfarin and i have arthritis in my knee",
    "i have crushing chest pain",
    "my calf is swollen and red",
    "my back hurts",
    "i don't have any injuries",
    "i'm pregnant",
    "hello",
]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def test_the_reason_names_what_the_person_said() -> None:
    reply = advise("i had knee surgery last month").reply
    assert reply.explanation.startswith("Because you mentioned you had knee surgery, physiotherapy")


def test_my_becomes_your() -> None:
    assert second_person("i think i sprained my ankle") == "you think you sprained your ankle"
    assert second_person("i'm stressed and i was tired") == "you're stressed and you were tired"


@pytest.mark.parametrize("text", SAMPLES)
def test_the_short_reason_is_at_most_two_sentences(text: str) -> None:
    assert 1 <= len(sentences(advise(text).reply.explanation)) <= 2


@pytest.mark.parametrize("text", SAMPLES)
def test_replies_are_written_for_the_ear(text: str) -> None:
    reply = advise(text).reply
    for part in (reply.reply, reply.more):
        assert not re.search(r"\b(e\.g|i\.e|etc|approx|dr|DVT|GP)\b", part)
        assert not re.search(r"[;:•*/()\[\]\n]", part)
        for sentence in sentences(part):
            assert len(sentence.split()) <= 32, sentence


@pytest.mark.parametrize("text", SAMPLES)
def test_every_recommendation_ends_with_the_reminder(text: str) -> None:
    advice = advise(text)
    if advice.decision.recommendation == "unclear":
        assert REMINDER not in advice.reply.reply
    else:
        assert advice.reply.reply.endswith(REMINDER)


def test_an_emergency_starts_with_calling_emergency_services() -> None:
    reply = advise("i'm stressed and i have crushing chest pain going down my arm").reply
    assert reply.reply.startswith(CALL_NOW)
    assert reply.explanation.startswith(CALL_NOW)
    assert "a heart attack" in reply.explanation


def test_an_urgent_flag_starts_with_seeing_a_doctor_today() -> None:
    reply = advise("my calf is swollen and red after the flight").reply
    assert reply.reply.startswith(SEE_TODAY)
    assert "blood clot" in reply.explanation


def test_a_caution_with_massage_only_asks_for_a_doctor_first() -> None:
    reply = advise("i'm pregnant and i want to relax").reply
    assert "you're pregnant" in reply.explanation
    assert "before booking a massage" in reply.explanation


def test_massage_asked_for_with_a_caution_waits_for_a_doctor_and_names_physiotherapy() -> None:
    reply = advise("i'm pregnant and my knee replacement needs work, can i book a massage").reply
    assert "you're pregnant" in reply.explanation
    assert "before booking a massage" in reply.explanation
    assert "physiotherapy can help in the meantime" in reply.reply


def test_a_caution_with_physiotherapy_says_massage_should_wait() -> None:
    reply = advise("i had surgery two weeks ago and i'm stressed").reply
    assert reply.explanation.startswith("Because you mentioned you had surgery")
    assert "ask a clinician first" in reply.reply


def test_both_names_each_reason() -> None:
    reply = advise("i had knee surgery and i'm really stressed").reply
    assert "physiotherapy is the main fit" in reply.explanation
    assert "massage therapy can help alongside" in reply.explanation


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("my back hurts", "You mentioned your back hurts. Did it start with an injury"),
        ("hello", "Tell me a little more"),
        ("i don't have any injuries", "All right"),
        ("i'm pregnant", "Thanks for telling me about pregnancy"),
    ],
)
def test_unclear_asks_for_what_is_missing(text: str, fragment: str) -> None:
    reply = advise(text).reply
    assert reply.reply.startswith(fragment)
    assert reply.reply.endswith("?")
    assert reply.explanation == reply.reply


@pytest.mark.parametrize("text", SAMPLES)
def test_tell_me_more_is_longer(text: str) -> None:
    reply = advise(text).reply
    assert len(reply.more) > len(reply.explanation)


def test_more_explains_how_the_therapy_works() -> None:
    physio = advise("i tore a ligament").reply.more
    massage = advise("i can't sleep").reply.more
    assert "exercises" in physio and "ultrasound" in physio
    assert "endorphins" in massage and "blood flow" in massage


def test_compose_works_on_any_decision() -> None:
    assert compose(decide([])).reply.endswith("?")


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("my son hurt his knee at football", "Because you mentioned your son hurt his knee,"),
        ("i was in a car accident", "Because you mentioned a car accident,"),
        ("after my operation my leg is weak", "Because you mentioned your operation,"),
        (
            "i had a knee replacement six weeks ago",
            "Because you mentioned you had a knee replacement,",
        ),
    ],
)
def test_quotes_read_naturally(text: str, start: str) -> None:
    assert advise(text).reply.explanation.startswith(start)


def test_a_caution_heard_in_the_same_words_is_not_quoted_twice() -> None:
    reply = advise("i broke my arm on monday").reply.reply
    assert reply.count("you broke your arm") == 1
    assert "Massage should wait until a clinician says it is safe." in reply
