"""Tests for assistant/core/dialogue.py: the conversation as a pure state machine, with real
advice."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.core.advice import Advice, advise, combine
from assistant.core.controls import CONTROL_VOCABULARY
from assistant.core.dialogue import (
    CONSULT_BOTH,
    EARCONS_ALREADY_OFF,
    FASTEST,
    GIVING_UP,
    GOODBYE,
    GREETING,
    HELP_AFTER_ADVICE,
    HELP_OPEN,
    LOUDEST,
    NOT_CAUGHT,
    NOTHING_YET,
    OFFER,
    OFFER_AFTER_UNCLEAR,
    OFFER_AFTER_WARNING,
    QUIETEST,
    REMIND_CLARIFYING,
    REMIND_OPEN,
    SLOWEST,
    STILL_UNCLEAR,
    WAITING_QUIETLY,
    Dialogue,
    Event,
    Exit,
    Failure,
    Heard,
    Listen,
    NoSpeech,
    Output,
    PlayEarcon,
    SaveSettings,
    Say,
    SetRate,
    SetVolume,
    Start,
    State,
    StopSpeaking,
)
from assistant.core.replies import CALL_NOW
from assistant.core.settings import RATE_MAX, RATE_MIN, Settings

KNEE = "I hurt my knee playing football"
STRESS = "I feel stressed and my shoulders are tense"
CHEST = "I have crushing chest pain spreading to my arm"
UNSURE = "I don't know"
ANKLE = "I sprained my ankle"


def started(settings: Settings | None = None) -> Dialogue:
    dialogue = Dialogue(settings or Settings(), advise)
    dialogue.handle(Start())
    return dialogue


def recommended(text: str = KNEE, settings: Settings | None = None) -> Dialogue:
    """A dialogue that has just recommended for ``text`` (the safety check answered no)."""
    dialogue = started(settings)
    dialogue.handle(Heard(text))
    if dialogue.state is State.SAFETY_CHECK:
        dialogue.handle(Heard("no"))
    assert dialogue.state is State.RECOMMENDED
    return dialogue


def checked(dialogue: Dialogue, outputs: list[Output]) -> list[Output]:
    """The outputs after the safety question, if one was asked, is answered no."""
    if dialogue.state is State.SAFETY_CHECK:
        return dialogue.handle(Heard("no"))
    return outputs


def question(text: str) -> str:
    """The clarifying question the advice asks for an unclear description."""
    advice = advise(text)
    assert advice.decision.recommendation == "unclear"
    return advice.reply.reply


def said(outputs: list[Output]) -> list[str]:
    return [o.text for o in outputs if isinstance(o, Say) and o.spoken]


T = TypeVar("T")


def of_type(outputs: list[Output], kind: type[T]) -> list[T]:
    return [o for o in outputs if isinstance(o, kind)]


def listen(outputs: list[Output]) -> Listen:
    (last,) = of_type(outputs, Listen)
    assert outputs[-1] == last, "listening comes last"
    return last


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](\s|$)", text))


class Recording:
    """Wraps the real advise and records what it was asked (not a fake: it returns real advice)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, text: str) -> Advice:
        self.asked.append(text)
        return advise(text)


# --- the example texts mean what the tests assume --------------------------------------------


@pytest.mark.parametrize(
    ("text", "recommendation"),
    [
        (KNEE, "physiotherapy"),
        (STRESS, "massage_therapy"),
        (CHEST, "see_doctor"),
        (UNSURE, "unclear"),
        (ANKLE, "physiotherapy"),
        (combine(UNSURE, ANKLE), "physiotherapy"),
    ],
)
def test_example_texts_get_the_expected_advice(text: str, recommendation: str) -> None:
    assert advise(text).decision.recommendation == recommendation


# --- start -----------------------------------------------------------------------------------


def test_start_greets_and_listens_for_an_open_answer() -> None:
    outputs = Dialogue(Settings(), advise).handle(Start())
    assert outputs == [
        Say(GREETING, "greeting"),
        PlayEarcon("listening"),
        Listen("open", 10.0),
    ]


def test_greeting_is_one_sentence_that_says_what_to_do() -> None:
    assert sentences(GREETING) == 1
    assert "tell me" in GREETING.lower()


def test_second_start_does_nothing() -> None:
    dialogue = started()
    assert dialogue.handle(Start()) == []


def test_speech_before_start_is_still_handled() -> None:
    dialogue = Dialogue(Settings(), advise)
    outputs = checked(dialogue, dialogue.handle(Heard(KNEE)))
    assert advise(KNEE).reply.reply in said(outputs)


def test_default_advise_is_the_real_one() -> None:
    dialogue = Dialogue()
    dialogue.handle(Start())
    outputs = checked(dialogue, dialogue.handle(Heard(KNEE)))
    assert said(outputs)[0] == advise(KNEE).reply.reply


# --- the whole conversation ------------------------------------------------------------------


def test_full_conversation() -> None:
    dialogue = Dialogue(Settings(), advise)
    assert said(dialogue.handle(Start())) == [GREETING]
    assert said(dialogue.handle(Heard(UNSURE))) == [question(UNSURE)]
    check = dialogue.handle(Heard(ANKLE))
    assert said(check)[0].startswith("One safety check: do you have chest pain")
    answer = dialogue.handle(Heard("no"))
    expected = advise(combine(UNSURE, ANKLE))
    assert expected.decision.recommendation == "physiotherapy"
    assert said(answer) == [expected.reply.reply, OFFER]
    assert said(dialogue.handle(Heard("repeat"))) == [expected.reply.reply, OFFER]
    assert of_type(dialogue.handle(Heard("slower")), SetRate) == [SetRate(150)]
    assert said(dialogue.handle(Heard("tell me more")))[0] == expected.reply.more
    end = dialogue.handle(Heard("goodbye"))
    assert said(end) == [GOODBYE]
    assert end[-1] == Exit()
    assert dialogue.state is State.ENDED


# --- describing and clarifying ---------------------------------------------------------------


def test_clear_description_gets_the_reply_and_the_offer() -> None:
    dialogue = started()
    outputs = checked(dialogue, dialogue.handle(Heard(KNEE)))
    assert said(outputs) == [advise(KNEE).reply.reply, OFFER]


def test_after_a_recommendation_a_short_answer_is_expected() -> None:
    dialogue = started()
    outputs = checked(dialogue, dialogue.handle(Heard(STRESS)))
    assert listen(outputs).expect == "short"


def test_unclear_description_asks_one_clarifying_question() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard(UNSURE))
    assert said(outputs) == [question(UNSURE)]
    assert said(outputs)[0].endswith("?")
    assert dialogue.state is State.CLARIFYING
    assert listen(outputs).expect == "open"


def test_clarifying_answer_is_decided_together_with_the_description() -> None:
    recording = Recording()
    dialogue = Dialogue(Settings(), recording)
    dialogue.handle(Start())
    dialogue.handle(Heard(UNSURE))
    outputs = checked(dialogue, dialogue.handle(Heard(ANKLE)))
    assert combine(UNSURE, ANKLE) in recording.asked
    assert said(outputs)[0] == advise(combine(UNSURE, ANKLE)).reply.reply


def test_the_question_asks_about_what_was_said() -> None:
    # "my back hurts" is pain without a cause: the question names it and asks for the cause.
    outputs = started().handle(Heard("my back hurts"))
    assert said(outputs) == [question("my back hurts")]
    assert "your back" in said(outputs)[0]


def test_pain_then_its_cause_gives_a_recommendation() -> None:
    first, answer = "my back hurts", "it started after a fall at work"
    dialogue = started()
    dialogue.handle(Heard(first))
    outputs = checked(dialogue, dialogue.handle(Heard(answer)))
    together = advise(combine(first, answer))
    assert together.decision.recommendation != "unclear"
    assert said(outputs)[0] == together.reply.reply


def test_still_unclear_after_the_answer_says_so_once_and_suggests_both() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    outputs = checked(dialogue, dialogue.handle(Heard("not sure really")))
    assert advise(combine(UNSURE, "not sure really")).decision.recommendation == "unclear"
    assert said(outputs) == [f"{STILL_UNCLEAR} {CONSULT_BOTH}", OFFER_AFTER_UNCLEAR]
    assert dialogue.state is State.RECOMMENDED


def test_still_unclear_asks_the_emergency_signs_first_as_they_may_be_what_was_misheard() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    asked = said(dialogue.handle(Heard("not sure really")))
    assert dialogue.state is State.SAFETY_CHECK
    assert len(asked) == 1 and "chest pain" in asked[0] and "one-sided weakness" in asked[0]
    reply = said(dialogue.handle(Heard("yes")))
    assert reply[0].startswith(CALL_NOW)
    assert not any(line.startswith(STILL_UNCLEAR) for line in reply)


def test_still_unclear_without_the_safety_check_says_so_at_once() -> None:
    dialogue = Dialogue(Settings(safety_check=False))
    dialogue.handle(Start())
    dialogue.handle(Heard(UNSURE))
    outputs = dialogue.handle(Heard("not sure really"))
    assert said(outputs) == [f"{STILL_UNCLEAR} {CONSULT_BOTH}", OFFER_AFTER_UNCLEAR]


def test_after_still_unclear_listening_stays_open_for_another_description() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    outputs = checked(dialogue, dialogue.handle(Heard("not sure really")))
    assert listen(outputs).expect == "open"
    again = checked(dialogue, dialogue.handle(Heard(ANKLE)))
    assert said(again)[0] == advise(ANKLE).reply.reply


def test_tell_me_more_after_still_unclear_explains_both() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    checked(dialogue, dialogue.handle(Heard("not sure really")))
    more = said(dialogue.handle(Heard("tell me more")))[0]
    assert more == advise(combine(UNSURE, "not sure really")).reply.more
    assert "Physiotherapy" in more and "Massage" in more


def test_yes_during_clarifying_asks_to_go_ahead_and_keeps_waiting() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    outputs = dialogue.handle(Heard("yes"))
    assert question(UNSURE) not in said(outputs)
    assert len(said(outputs)) == 1
    assert dialogue.state is State.CLARIFYING


def test_no_during_clarifying_is_taken_as_the_answer() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    outputs = checked(dialogue, dialogue.handle(Heard("no")))
    assert said(outputs)[0].startswith(STILL_UNCLEAR)
    assert dialogue.state is State.RECOMMENDED


def test_new_description_after_a_recommendation_is_decided_afresh() -> None:
    recording = Recording()
    dialogue = Dialogue(Settings(), recording)
    dialogue.handle(Start())
    checked(dialogue, dialogue.handle(Heard(KNEE)))
    outputs = dialogue.handle(Heard(STRESS))
    assert recording.asked[-1] == STRESS
    assert said(outputs)[0] == advise(STRESS).reply.reply


# --- red flags -------------------------------------------------------------------------------


def test_red_flag_is_said_at_once() -> None:
    outputs = started().handle(Heard(CHEST))
    assert said(outputs)[0] == advise(CHEST).reply.reply


def test_a_warning_is_followed_by_a_sober_offer() -> None:
    outputs = started().handle(Heard(CHEST))
    assert said(outputs)[1:] == [OFFER_AFTER_WARNING]


def test_red_flag_during_clarifying_is_said_at_once() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    outputs = dialogue.handle(Heard(CHEST))
    reply = said(outputs)[0]
    assert reply == advise(combine(UNSURE, CHEST)).reply.reply
    assert dialogue.last_advice is not None
    assert dialogue.last_advice.decision.recommendation == "see_doctor"


def test_red_flag_after_a_recommendation_is_said_at_once() -> None:
    outputs = recommended(STRESS).handle(Heard(CHEST))
    assert said(outputs)[0] == advise(CHEST).reply.reply


def test_red_flag_after_a_control_word_is_not_a_control() -> None:
    outputs = started().handle(Heard("stop, " + CHEST))
    assert of_type(outputs, StopSpeaking) == []
    assert said(outputs)[0] == advise("stop, " + CHEST).reply.reply


# --- descriptions that contain control words -------------------------------------------------


def test_description_with_a_control_word_goes_to_the_advice() -> None:
    text = "my back has been stopping me from sleeping"
    recording = Recording()
    dialogue = Dialogue(Settings(), recording)
    dialogue.handle(Start())
    outputs = dialogue.handle(Heard(text))
    assert recording.asked == [text]
    assert of_type(outputs, StopSpeaking) == []
    assert of_type(outputs, Exit) == []


def test_description_starting_with_no_is_a_description() -> None:
    dialogue = started()
    outputs = checked(dialogue, dialogue.handle(Heard("no, " + ANKLE)))
    assert said(outputs)[0] == advise("no, " + ANKLE).reply.reply


def test_control_at_the_start_of_a_sentence_without_a_problem_is_a_control() -> None:
    outputs = started().handle(Heard("goodbye and thanks for everything"))
    assert outputs[-1] == Exit()


def test_common_word_at_the_start_is_not_taken_for_a_control() -> None:
    text = "sorry I meant something different"
    outputs = recommended().handle(Heard(text))
    assert said(outputs) == [question(text)]


# --- controls --------------------------------------------------------------------------------


def test_repeat_says_the_last_reply_again() -> None:
    dialogue = recommended()
    assert said(dialogue.handle(Heard("repeat"))) == [advise(KNEE).reply.reply, OFFER]


def test_repeat_after_slower_repeats_the_reply_not_the_acknowledgement() -> None:
    dialogue = recommended()
    dialogue.handle(Heard("slower"))
    assert said(dialogue.handle(Heard("say that again")))[0] == advise(KNEE).reply.reply


def test_repeat_at_the_start_repeats_the_greeting() -> None:
    assert said(started().handle(Heard("what did you say"))) == [GREETING]


def test_repeat_during_clarifying_repeats_the_question() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    assert said(dialogue.handle(Heard("pardon"))) == [question(UNSURE)]
    assert dialogue.state is State.CLARIFYING


def test_slower_lowers_the_rate_and_asks_to_save_it() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard("more slowly"))
    assert of_type(outputs, SetRate) == [SetRate(150)]
    assert of_type(outputs, SaveSettings) == [SaveSettings(Settings(rate=150))]
    assert dialogue.settings.rate == 150
    assert outputs.index(SetRate(150)) < outputs.index(of_type(outputs, Say)[0])


def test_faster_raises_the_rate() -> None:
    dialogue = started(Settings(rate=200))
    assert of_type(dialogue.handle(Heard("faster")), SetRate) == [SetRate(225)]


def test_rate_stops_at_the_lower_bound() -> None:
    dialogue = started()
    rates = [of_type(dialogue.handle(Heard("slower")), SetRate) for _ in range(4)]
    assert rates == [[SetRate(150)], [SetRate(125)], [SetRate(RATE_MIN)], []]
    outputs = dialogue.handle(Heard("slower"))
    assert said(outputs) == [SLOWEST]
    assert of_type(outputs, SaveSettings) == []


def test_rate_stops_at_the_upper_bound() -> None:
    dialogue = started(Settings(rate=RATE_MAX))
    outputs = dialogue.handle(Heard("faster"))
    assert said(outputs) == [FASTEST]
    assert of_type(outputs, SetRate) == []
    assert dialogue.settings.rate == RATE_MAX


def test_quieter_lowers_the_volume_in_even_steps() -> None:
    dialogue = started()
    volumes = [of_type(dialogue.handle(Heard("quieter")), SetVolume) for _ in range(5)]
    assert volumes == [
        [SetVolume(0.8)],
        [SetVolume(0.6)],
        [SetVolume(0.4)],
        [SetVolume(0.2)],
        [],
    ]
    assert said(dialogue.handle(Heard("quieter"))) == [QUIETEST]


def test_louder_at_full_volume_says_so_without_changing() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard("speak up"))
    assert said(outputs) == [LOUDEST]
    assert of_type(outputs, SetVolume) == []


def test_louder_raises_the_volume_and_saves_it() -> None:
    dialogue = started(Settings(volume=0.4))
    outputs = dialogue.handle(Heard("louder"))
    assert of_type(outputs, SetVolume) == [SetVolume(0.6)]
    assert of_type(outputs, SaveSettings) == [SaveSettings(Settings(volume=0.6))]


def test_saved_settings_keep_the_other_fields() -> None:
    settings = Settings(voice="gmw/en-us", device="USB", earcons=False)
    outputs = started(settings).handle(Heard("slower"))
    assert of_type(outputs, SaveSettings) == [SaveSettings(replace(settings, rate=150))]


def test_help_is_short_and_spoken_as_sentences() -> None:
    for text in (HELP_OPEN, HELP_AFTER_ADVICE):
        assert 1 <= sentences(text) <= 2
        assert "\n" not in text and "-" not in text


def test_help_after_a_recommendation_mentions_tell_me_more() -> None:
    assert said(recommended().handle(Heard("help"))) == [HELP_AFTER_ADVICE]
    assert said(started().handle(Heard("what can I say"))) == [HELP_OPEN]


def test_stop_cuts_speech_and_waits() -> None:
    dialogue = recommended()
    outputs = dialogue.handle(Heard("stop"))
    assert outputs[0] == StopSpeaking()
    assert said(outputs) == []
    assert of_type(outputs, Exit) == []
    assert isinstance(outputs[-1], Listen)
    assert dialogue.state is State.RECOMMENDED


def test_stop_comes_before_the_heard_tone() -> None:
    outputs = recommended().handle(Heard("stop"))
    assert outputs[:2] == [StopSpeaking(), PlayEarcon("heard")]


def test_stop_shows_a_caption() -> None:
    outputs = started().handle(Heard("stop talking"))
    assert [s.kind for s in of_type(outputs, Say)] == ["caption-only"]


def test_stop_then_repeat_says_the_reply_again() -> None:
    dialogue = recommended()
    dialogue.handle(Heard("stop"))
    assert said(dialogue.handle(Heard("repeat")))[0] == advise(KNEE).reply.reply


@pytest.mark.parametrize("words", ["goodbye", "bye", "that's all", "quit", "exit", "cancel"])
def test_goodbye_and_its_variants_end_the_conversation(words: str) -> None:
    dialogue = recommended()
    outputs = dialogue.handle(Heard(words))
    assert outputs[-2:] == [Say(GOODBYE, "goodbye"), Exit()]
    assert of_type(outputs, Listen) == []
    assert dialogue.state is State.ENDED


def test_nothing_happens_after_goodbye() -> None:
    dialogue = started()
    dialogue.handle(Heard("goodbye"))
    assert dialogue.handle(Heard(KNEE)) == []
    assert dialogue.handle(NoSpeech()) == []


def test_tell_me_more_gives_the_longer_explanation() -> None:
    outputs = recommended(STRESS).handle(Heard("tell me more"))
    assert said(outputs)[0] == advise(STRESS).reply.more


def test_tell_me_more_before_any_advice_says_there_is_nothing_yet() -> None:
    outputs = started().handle(Heard("tell me more"))
    assert said(outputs)[0].startswith(NOTHING_YET)


def test_yes_after_a_recommendation_tells_more() -> None:
    outputs = recommended().handle(Heard("yes please"))
    assert said(outputs)[0] == advise(KNEE).reply.more


def test_no_after_a_recommendation_waits_for_something_new() -> None:
    dialogue = recommended()
    outputs = dialogue.handle(Heard("no thanks"))
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION
    assert listen(outputs).expect == "open"


def test_start_over_forgets_the_advice() -> None:
    dialogue = recommended()
    dialogue.handle(Heard("start over"))
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION
    assert dialogue.last_advice is None
    assert said(dialogue.handle(Heard("tell me more")))[0].startswith(NOTHING_YET)


def test_start_over_during_clarifying_drops_the_first_description() -> None:
    recording = Recording()
    dialogue = Dialogue(Settings(), recording)
    dialogue.handle(Start())
    dialogue.handle(Heard(UNSURE))
    dialogue.handle(Heard("start again"))
    dialogue.handle(Heard(KNEE))
    assert recording.asked[-1] == KNEE


def test_thanks_is_answered_politely_without_ending() -> None:
    dialogue = recommended()
    outputs = dialogue.handle(Heard("thank you"))
    assert len(said(outputs)) == 1
    assert of_type(outputs, Exit) == []


# --- earcons ---------------------------------------------------------------------------------


def test_heard_tone_comes_first_and_listening_tone_before_listening() -> None:
    outputs = started().handle(Heard(KNEE))
    assert outputs[0] == PlayEarcon("heard")
    assert outputs[-2:] == [PlayEarcon("listening"), listen(outputs)]


def test_no_tones_when_switched_off_in_settings() -> None:
    dialogue = Dialogue(Settings(earcons=False), advise)
    outputs = dialogue.handle(Start()) + dialogue.handle(Heard(KNEE))
    assert of_type(outputs, PlayEarcon) == []


def test_sounds_off_by_voice_stops_the_tones_and_is_saved() -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard("sounds off"))
    assert of_type(outputs, SaveSettings) == [SaveSettings(Settings(earcons=False))]
    assert of_type(dialogue.handle(Heard(KNEE)), PlayEarcon) == []


def test_sounds_on_brings_the_tones_back() -> None:
    dialogue = started(Settings(earcons=False))
    dialogue.handle(Heard("beeps on"))
    assert PlayEarcon("listening") in dialogue.handle(Heard(KNEE))


def test_sounds_off_when_already_off_changes_nothing() -> None:
    outputs = started(Settings(earcons=False)).handle(Heard("earcons off"))
    assert said(outputs) == [EARCONS_ALREADY_OFF]
    assert of_type(outputs, SaveSettings) == []


# --- empty or garbled speech -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "[unk]", "?!", "[unk] [unk]"])
def test_empty_speech_asks_to_say_it_again(text: str) -> None:
    dialogue = started()
    outputs = dialogue.handle(Heard(text))
    assert said(outputs) == [NOT_CAUGHT]
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION


def test_empty_speech_does_not_change_what_repeat_says() -> None:
    dialogue = recommended()
    dialogue.handle(Heard(""))
    assert said(dialogue.handle(Heard("repeat")))[0] == advise(KNEE).reply.reply


def test_garbage_is_met_with_the_clarifying_question() -> None:
    assert said(started().handle(Heard("qwerty zxcv blorp"))) == [question("qwerty zxcv blorp")]


# --- no-speech timeouts ----------------------------------------------------------------------


def test_no_speech_gives_a_gentle_reminder() -> None:
    outputs = started().handle(NoSpeech())
    assert said(outputs) == [REMIND_OPEN]
    assert listen(outputs).timeout == 10.0


def test_reminder_fits_the_question_being_asked() -> None:
    dialogue = started()
    dialogue.handle(Heard(UNSURE))
    assert said(dialogue.handle(NoSpeech())) == [REMIND_CLARIFYING]


def test_after_three_timeouts_it_waits_quietly_without_a_limit() -> None:
    dialogue = started()
    dialogue.handle(NoSpeech())
    dialogue.handle(NoSpeech())
    third = dialogue.handle(NoSpeech())
    assert said(third) == [WAITING_QUIETLY]
    assert listen(third).timeout is None
    fourth = dialogue.handle(NoSpeech())
    assert said(fourth) == []
    assert listen(fourth).timeout is None
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION


def test_speech_resets_the_timeout_count() -> None:
    dialogue = started()
    dialogue.handle(NoSpeech())
    dialogue.handle(NoSpeech())
    dialogue.handle(Heard("help"))
    outputs = dialogue.handle(NoSpeech())
    assert said(outputs) == [REMIND_OPEN]
    assert listen(outputs).timeout == 10.0


def test_speaking_after_waiting_quietly_brings_the_timeout_back() -> None:
    dialogue = started()
    for _ in range(3):
        dialogue.handle(NoSpeech())
    assert listen(dialogue.handle(Heard(KNEE))).timeout == 10.0


def test_timeout_zero_turns_timeouts_off() -> None:
    dialogue = Dialogue(Settings(no_speech_timeout=0), advise)
    assert listen(dialogue.handle(Start())).timeout is None
    outputs = dialogue.handle(NoSpeech())
    assert said(outputs) == []
    assert listen(outputs).timeout is None


def test_timeout_length_comes_from_the_settings() -> None:
    assert listen(started(Settings(no_speech_timeout=42.5)).handle(NoSpeech())).timeout == 42.5


def test_reminders_do_not_change_what_repeat_says() -> None:
    dialogue = started()
    dialogue.handle(NoSpeech())
    assert said(dialogue.handle(Heard("repeat"))) == [GREETING]


# --- failures --------------------------------------------------------------------------------


def test_failure_apologises_and_the_conversation_goes_on() -> None:
    dialogue = started()
    outputs = dialogue.handle(Failure("The microphone stopped working."))
    (line,) = of_type(outputs, Say)
    assert line.kind == "error"
    assert line.text == "Sorry. The microphone stopped working."
    assert isinstance(outputs[-1], Listen)
    assert said(checked(dialogue, dialogue.handle(Heard(KNEE))))[0] == advise(KNEE).reply.reply


def test_three_failures_in_a_row_end_the_conversation() -> None:
    dialogue = started()
    dialogue.handle(Failure("No microphone."))
    dialogue.handle(Failure("No microphone."))
    outputs = dialogue.handle(Failure("No microphone."))
    assert GIVING_UP in said(outputs)
    assert outputs[-1] == Exit()


def test_failures_with_speech_in_between_do_not_add_up() -> None:
    dialogue = started()
    for _ in range(4):
        dialogue.handle(Failure("Recogniser error."))
        dialogue.handle(Heard("help"))
    assert dialogue.state is State.WAITING_FOR_DESCRIPTION


def test_failure_without_a_message_still_apologises() -> None:
    assert said(started().handle(Failure(""))) == ["Sorry, something went wrong."]


# --- any sequence of events ------------------------------------------------------------------

_phrases = st.sampled_from(
    [KNEE, STRESS, CHEST, UNSURE, ANKLE, "", "[unk]", *CONTROL_VOCABULARY, "sounds off"]
)
_events = st.lists(
    st.one_of(
        st.builds(Heard, _phrases),
        st.builds(Heard, st.text(max_size=40)),
        st.just(NoSpeech()),
        st.builds(Failure, st.sampled_from(["", "The microphone is gone."])),
    ),
    max_size=25,
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(events=_events)
def test_any_event_sequence_gives_well_formed_outputs(events: list[Event]) -> None:
    dialogue = Dialogue(Settings(), advise)
    for event in [Start(), *events]:
        ended_before = dialogue.state is State.ENDED
        outputs = dialogue.handle(event)
        if ended_before:
            assert outputs == []
            continue
        endings = of_type(outputs, Listen) + of_type(outputs, Exit)
        assert len(endings) == 1 and outputs[-1] == endings[0]
        assert (dialogue.state is State.ENDED) == isinstance(outputs[-1], Exit)
        assert all(RATE_MIN <= o.rate <= RATE_MAX for o in of_type(outputs, SetRate))
        assert all(s.text.strip() for s in of_type(outputs, Say))
