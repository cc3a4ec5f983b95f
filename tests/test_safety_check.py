"""Tests for assistant/core/safety_check.py and the questions the dialogue asks with it: the
safety check before therapy advice, "did you say …?", corrections and the choice offered after
two misunderstandings (assistant/core/dialogue.py), with the real advice."""

from __future__ import annotations

import pytest

from assistant.core.advice import advise, combine
from assistant.core.dialogue import (
    CHOICE,
    DID_YOU_SAY,
    MISHEARD,
    NO_AFTER_ADVICE,
    OFFER,
    TELL_AGAIN,
    Dialogue,
    State,
)
from assistant.core.events import Heard, Listen, NoSpeech, Output, Say, Start
from assistant.core.hearing import Alternative
from assistant.core.replies import CALL_NOW, SEE_TODAY, quote
from assistant.core.safety_check import question, signs_to_ask
from assistant.core.settings import Settings

KNEE = "i hurt my knee playing football"
STRESS = "i feel stressed and my shoulders are tense"


def said(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say) and o.spoken]


def expects(outputs: list[Output]) -> str:
    (listen,) = [o for o in outputs if isinstance(o, Listen)]
    return listen.expect


def started(settings: Settings | None = None) -> Dialogue:
    dialogue = Dialogue(settings or Settings(), advise)
    dialogue.handle(Start())
    return dialogue


def asked_for(text: str) -> str:
    decision = advise(text).decision
    return question(signs_to_ask(decision.heard, decision.denied, text))


# --- which signs are asked about -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        (STRESS, ["chest pain", "trouble breathing", "one-sided weakness"]),
        ("my lower back has been aching for weeks", ["bladder or bowel", "groin"]),
        ("i keep getting headaches", ["sudden severe headache", "stiff neck", "head injury"]),
        ("i had a knee replacement in march", ["hot swollen calf", "leaking wound"]),
        ("my leg aches after my hip operation", ["hot swollen calf"]),
        ("i sprained my ankle playing football", ["cannot put weight on"]),
    ],
)
def test_the_question_fits_what_was_heard(text: str, fragments: list[str]) -> None:
    asked = asked_for(text)
    assert asked.startswith("One safety check: do you have chest pain, trouble breathing")
    assert all(fragment in asked for fragment in fragments), asked
    assert asked.endswith("?")
    assert len(asked.split()) <= 28  # at most about 25 words


def test_signs_that_do_not_fit_are_not_asked() -> None:
    asked = asked_for(STRESS)
    assert "bladder" not in asked and "calf" not in asked and "headache" not in asked


def test_a_sign_the_description_already_answers_is_not_asked() -> None:
    asked = asked_for("i have no chest pain but my neck is really tense")
    assert "chest pain" not in asked and "trouble breathing" in asked


# --- the safety check in the conversation ----------------------------------------------------


def test_therapy_advice_waits_for_the_safety_check() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard(KNEE))
    assert said(outputs) == [asked_for(KNEE)]
    assert dialogue.state is State.SAFETY_CHECK
    assert expects(outputs) == "yes_no"


@pytest.mark.parametrize("no", ["no", "nope", "no I don't", "none of those", "no, just the knee"])
def test_no_gives_the_advice(no: str) -> None:
    dialogue = started()
    dialogue.handle(Heard(KNEE))
    assert said(dialogue.handle(Heard(no))) == [advise(KNEE).reply.reply, OFFER]
    assert dialogue.state is State.RECOMMENDED


@pytest.mark.parametrize("yes", ["yes", "I do", "I have", "yeah"])
def test_yes_sends_the_person_to_emergency_care(yes: str) -> None:
    dialogue = started()
    dialogue.handle(Heard(STRESS))
    reply = said(dialogue.handle(Heard(yes)))[0]
    assert reply.startswith(CALL_NOW)
    assert "heart attack" in reply and "stroke" in reply
    assert dialogue.last_advice is not None
    assert dialogue.last_advice.decision.urgency == "emergency"
    assert dialogue.last_advice.decision.red_flags == ("heart_attack", "stroke")


def test_yes_when_urgencies_differ_asks_which_one() -> None:
    dialogue = started()
    dialogue.handle(Heard("i had a knee replacement in march"))
    which = said(dialogue.handle(Heard("yes")))[0]
    assert which.startswith("Which one:") and "calf" in which and "chest pain" in which
    reply = said(dialogue.handle(Heard("my calf")))[0]
    assert reply.startswith(SEE_TODAY) and "blood clot in a deep vein" in reply


def test_an_unclear_answer_to_which_one_is_taken_as_the_most_urgent() -> None:
    dialogue = started()
    dialogue.handle(Heard("i had a knee replacement in march"))
    dialogue.handle(Heard("yes"))
    assert said(dialogue.handle(Heard("i am not really sure")))[0].startswith(CALL_NOW)


@pytest.mark.parametrize("unclear", ["not sure", "i don't know", "maybe"])
def test_an_unclear_answer_is_asked_once_more_then_taken_as_yes(unclear: str) -> None:
    dialogue = started()
    dialogue.handle(Heard(KNEE))
    again = said(dialogue.handle(Heard(unclear)))[0]
    assert again.startswith("Sorry, I need a yes or a no.") and "chest pain" in again
    assert dialogue.state is State.SAFETY_CHECK
    assert said(dialogue.handle(Heard(unclear)))[0].startswith(CALL_NOW)


def test_silence_is_not_a_no() -> None:
    dialogue = started()
    dialogue.handle(Heard(KNEE))
    assert "chest pain" in said(dialogue.handle(NoSpeech()))[0]
    assert said(dialogue.handle(NoSpeech()))[0].startswith(CALL_NOW)


def test_a_red_flag_said_as_the_answer_is_the_red_flag_reply() -> None:
    dialogue = started()
    dialogue.handle(Heard(KNEE))
    answer = "yes my chest feels tight and heavy"
    assert said(dialogue.handle(Heard(answer)))[0] == advise(answer).reply.reply


def test_controls_work_inside_the_question() -> None:
    dialogue = started()
    asked = said(dialogue.handle(Heard(KNEE)))
    assert said(dialogue.handle(Heard("repeat"))) == asked
    assert "yes or no" in said(dialogue.handle(Heard("help")))[0]
    dialogue.handle(Heard("slower"))
    assert dialogue.state is State.SAFETY_CHECK
    dialogue.handle(Heard("start over"))
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION


def test_the_check_is_asked_once_per_conversation() -> None:
    dialogue = started()
    dialogue.handle(Heard(KNEE))
    dialogue.handle(Heard("no"))
    assert said(dialogue.handle(Heard(STRESS)))[0] == advise(STRESS).reply.reply


def test_new_signs_are_still_asked_about_later() -> None:
    dialogue = started()
    dialogue.handle(Heard(STRESS))
    dialogue.handle(Heard("no"))
    later = said(dialogue.handle(Heard("i keep getting headaches")))[0]
    assert "stiff neck" in later and "chest pain" not in later


def test_the_check_can_be_turned_off() -> None:
    dialogue = started(Settings(safety_check=False))
    assert said(dialogue.handle(Heard(KNEE)))[0] == advise(KNEE).reply.reply


def test_a_red_flag_is_never_held_back_by_the_check() -> None:
    dialogue = started()
    text = "my knee hurts and my chest feels tight"
    assert said(dialogue.handle(Heard(text)))[0] == advise(text).reply.reply


# --- "did you say …?" ------------------------------------------------------------------------

MISHEARD_CALF = [
    Alternative("my calf is wallet and red", 0.55),
    Alternative("my calf is swollen and red", 0.45),
]


def test_a_red_flag_only_an_alternative_holds_is_asked_about_by_name() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard(MISHEARD_CALF[0].text, tuple(MISHEARD_CALF)))
    flag = advise(MISHEARD_CALF[1].text).decision.matches[0]
    assert said(outputs) == [DID_YOU_SAY.format(words=quote(flag))]
    assert said(outputs) == ["Did you say your calf is swollen?"]
    assert dialogue.state is State.CONFIRMING
    reply = said(dialogue.handle(Heard("yes")))[0]
    assert reply == advise(MISHEARD_CALF[1].text).reply.reply
    assert reply.startswith(SEE_TODAY)


def test_no_to_did_you_say_goes_on_with_what_was_heard() -> None:
    dialogue = started()
    dialogue.handle(Heard(MISHEARD_CALF[0].text, tuple(MISHEARD_CALF)))
    outputs = dialogue.handle(Heard("no"))
    assert said(outputs) == [advise(MISHEARD_CALF[0].text).reply.reply]  # the clarifying question


def test_a_far_alternative_is_not_asked_about() -> None:
    far = (Alternative("i hurt my knee playing football", 0.95),
           Alternative("i hurt my chest playing football", 0.05))  # fmt: skip
    dialogue = started()
    assert said(dialogue.handle(Heard(far[0].text, far))) == [asked_for(KNEE)]


# --- corrections and the choice --------------------------------------------------------------


@pytest.mark.parametrize(
    "correction", ["that's wrong", "that's not what I said", "you misheard me"]
)
def test_a_correction_forgets_the_description_and_asks_again(correction: str) -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    assert said(dialogue.handle(Heard(correction))) == [f"{MISHEARD} {TELL_AGAIN}"]
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION
    assert dialogue.last_advice is None


def test_no_i_said_takes_the_new_description_in_the_same_breath() -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    outputs = dialogue.handle(Heard("no, I said I feel stressed"))
    assert said(outputs) == [MISHEARD, advise("i feel stressed").reply.reply, OFFER]


def test_saying_it_again_when_asked_is_not_another_misunderstanding() -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    dialogue.handle(Heard("that's not what I said"))
    outputs = dialogue.handle(Heard("no I said I feel stressed"))
    assert said(outputs)[0] == advise("i feel stressed").reply.reply


def test_two_misunderstandings_in_a_row_offer_a_choice() -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    dialogue.handle(Heard("no I said my back is stiff from sitting"))
    outputs = dialogue.handle(Heard("that's not what I said"))
    assert said(outputs) == [CHOICE]
    assert expects(outputs) == "choice"
    reply = said(dialogue.handle(Heard("headaches")))[0]
    assert reply == advise("i keep getting headaches").reply.reply


def test_an_accepted_reply_resets_the_count() -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    dialogue.handle(Heard("no I said I feel stressed"))
    dialogue.handle(Heard("tell me more"))
    assert said(dialogue.handle(Heard("that's wrong"))) == [f"{MISHEARD} {TELL_AGAIN}"]


def test_a_bare_no_to_hear_more_is_still_no_thanks() -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard(KNEE))
    assert said(dialogue.handle(Heard("no"))) == [NO_AFTER_ADVICE]


# --- answers in context ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "recommendation"),
    [
        ("it started after I lifted a heavy box", "physiotherapy"),
        ("it came on after a fall", "physiotherapy"),
        ("nothing like that, it's just tight", "massage_therapy"),
    ],
)
def test_the_clarifying_answer_is_decided_with_the_description(
    answer: str, recommendation: str
) -> None:
    dialogue = started(Settings(safety_check=False))
    dialogue.handle(Heard("my back has been hurting"))
    assert dialogue.state is State.CLARIFYING
    reply = said(dialogue.handle(Heard(answer)))[0]
    together = advise(combine("my back has been hurting", answer))
    assert together.decision.recommendation == recommendation
    assert reply == together.reply.reply
