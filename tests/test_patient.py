"""The simulated patient's answering logic (support/patient.py), on the product's real sentences
and the real dialogue with typed words (no audio)."""

from __future__ import annotations

from dataclasses import replace

from assistant.core import dialogue
from assistant.core.replies import CALL_NOW, SEE_TODAY
from assistant.core.safety_check import SAFETY
from support.patient import WORDS, Patient, advice_in, first_person, quotes, typed_conversation
from support.patients import BACK_FROM_LIFTING, CALF_AFTER_OPERATION


def safety_question(*asks: str) -> str:
    return SAFETY.question.format(signs=", ".join(asks))


def test_it_says_its_description_first() -> None:
    patient = Patient(BACK_FROM_LIFTING)
    assert patient.respond([dialogue.GREETING]) == BACK_FROM_LIFTING.description


def test_the_safety_question_is_answered_yes_only_for_its_own_red_flag() -> None:
    with_clot, without = Patient(CALF_AFTER_OPERATION), Patient(BACK_FROM_LIFTING)
    for patient in (with_clot, without):
        patient.respond([dialogue.GREETING])
    question = safety_question("chest pain", "a hot swollen calf")
    assert with_clot.respond([question]) == WORDS.yes
    assert without.respond([question]) == WORDS.no
    assert Patient(CALF_AFTER_OPERATION).respond([safety_question("chest pain")]) == WORDS.no


def test_which_one_is_answered_with_its_own_sign() -> None:
    patient = Patient(CALF_AFTER_OPERATION)
    patient.respond([dialogue.GREETING])
    which = SAFETY.which.format(signs="chest pain or a hot swollen calf")
    assert patient.respond([which]) == "a hot swollen calf"


def test_did_you_say_is_answered_by_what_the_words_name() -> None:
    asked = dialogue.DID_YOU_SAY.format(words="your calf is hot and swollen")
    assert first_person("your calf is hot and swollen") == "my calf is hot and swollen"
    assert Patient(CALF_AFTER_OPERATION).respond([asked]) == WORDS.yes
    assert Patient(BACK_FROM_LIFTING).respond([asked]) == WORDS.no


def test_a_reply_naming_what_it_never_said_is_corrected() -> None:
    patient = Patient(BACK_FROM_LIFTING)
    patient.respond([dialogue.GREETING])
    wrong = "Because you mentioned knock the, physiotherapy is the better fit."
    assert quotes(wrong) == ["knock the"]
    assert patient.respond([wrong]) == WORDS.misheard
    assert patient.corrections == 1
    right = "Because you mentioned lifting boxes, physiotherapy is the better fit."
    assert patient.respond([right]) == WORDS.goodbye
    assert patient.final is not None and patient.final.recommendation == "physiotherapy"


def test_the_choice_is_answered_with_its_kind_of_problem() -> None:
    patient = Patient(BACK_FROM_LIFTING)
    patient.respond([dialogue.GREETING])
    assert patient.respond([dialogue.CHOICE]) == "an injury"


def test_advice_is_read_from_the_replies() -> None:
    emergency = advice_in(f"{CALL_NOW} You mentioned chest pain.")
    urgent = advice_in(f"{SEE_TODAY} A hot swollen calf can be a sign of a clot.")
    assert emergency is not None and emergency.urgency == "emergency"
    assert urgent is not None and urgent.red_flag_reply
    assert advice_in(dialogue.GREETING) is None


def test_it_gives_up_after_its_turns() -> None:
    patient = Patient(BACK_FROM_LIFTING, max_turns=2)
    patient.respond([dialogue.GREETING])
    patient.respond([dialogue.REMIND_OPEN])
    assert patient.respond([dialogue.REMIND_OPEN]) == WORDS.goodbye
    assert patient.gave_up and patient.final is None


def test_with_perfect_hearing_the_red_flag_is_found_by_the_safety_check() -> None:
    hidden = replace(
        CALF_AFTER_OPERATION, description="my leg hurts after my knee operation"
    )  # no flag words
    patient = typed_conversation(hidden)
    assert WORDS.yes in patient.said
    assert patient.final is not None and patient.final.urgency == "urgent"


def test_with_perfect_hearing_a_plain_patient_needs_few_turns() -> None:
    patient = typed_conversation(BACK_FROM_LIFTING)
    assert patient.final is not None and patient.final.recommendation == "physiotherapy"
    assert patient.turns <= 3 and patient.corrections == 0
