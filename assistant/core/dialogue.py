"""The conversation as a pure state machine: text events in, output events out.

No audio, files or clocks here. A driver (the microphone loop, or `listen --text`) feeds events
such as `Heard("my knee hurts")` to `Dialogue.handle` and carries out what comes back: say this,
play that tone, change the speech rate, save the settings, listen again, stop.

Flow: greet -> the person describes the problem ->
- a red flag heard: the red-flag reply at once, whatever the state (it always wins);
- a red flag only in a close alternative hearing: "did you say …?" first;
- unclear: one clarifying question, whose answer is decided together with the description;
- therapy advice: before the first of the conversation, one yes/no safety question about the
  red flags that fit what was heard (``safety_check.toml``); a yes sends the person to care, a no
  gives the advice; anything else is asked once more, then taken as a yes (in doubt, escalate).
Then "tell me more", "repeat" or "start over". "That's not what I said" (or "no, I said …")
after any reply forgets the misheard description; after two misunderstandings in a row the
person is offered a short choice of kinds of problem. Controls (repeat, slower, stop, help,
goodbye …) work in every state, inside every question too.

No-speech timeouts: each `NoSpeech` gives a gentle, state-specific reminder (inside a yes/no
question it counts as an answer that was not yes or no); after `max_timeouts` in a row the
dialogue says it will wait quietly and listens without a time limit until the person speaks.
Failures (microphone, recogniser) get a short apology and the conversation goes on; only
`max_failures` in a row, with nothing heard in between, end it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from importlib import resources
from typing import Any, assert_never

from assistant.core.advice import Advice, combine
from assistant.core.advice import advise as real_advise
from assistant.core.controls import (
    Control,
    control_prefix,
    match_answer,
    match_control,
    match_correction,
    normalize,
)
from assistant.core.decision import Decision
from assistant.core.events import (
    Event,
    Exit,
    Expect,
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
    StopSpeaking,
)
from assistant.core.hearing import CLOSE_SHARE, Alternative
from assistant.core.replies import answered_red_flag, quote
from assistant.core.safety_check import (
    Sign,
    help_text,
    most_urgent,
    pointed_to,
    question,
    signs_to_ask,
    urgencies_differ,
    which_question,
)
from assistant.core.settings import (
    END_SILENCE_MAX,
    END_SILENCE_STEP,
    RATE_MAX,
    RATE_MIN,
    RATE_STEP,
    VOLUME_MAX,
    VOLUME_MIN,
    VOLUME_STEP,
    Settings,
)
from assistant.core.turn_taking import continues

AdviseFn = Callable[[str], Advice]
"""Text to advice; :func:`assistant.core.advice.advise` unless a caller holds another lexicon."""


def _load_sentences() -> dict[str, Any]:
    source = resources.files(__package__ or "assistant.core").joinpath("dialogue.toml")
    return tomllib.loads(source.read_text(encoding="utf-8"))


_SENTENCES = _load_sentences()

# --- the product's sentences (dialogue.toml) -------------------------------------------------

GREETING: str = _SENTENCES["greeting"]
CLARIFY_GO_AHEAD: str = _SENTENCES["clarify_go_ahead"]
STILL_UNCLEAR: str = _SENTENCES["still_unclear"]
CONSULT_BOTH: str = _SENTENCES["consult_both"]
OFFER_AFTER_UNCLEAR: str = _SENTENCES["offer_after_unclear"]
OFFER: str = _SENTENCES["offer"]
OFFER_AFTER_WARNING: str = _SENTENCES["offer_after_warning"]
OFFER_AFTER_MORE: str = _SENTENCES["offer_after_more"]
NOT_CAUGHT: str = _SENTENCES["not_caught"]
NOTHING_YET: str = _SENTENCES["nothing_yet"]
YES_GO_AHEAD: str = _SENTENCES["yes_go_ahead"]
NO_WHILE_WAITING: str = _SENTENCES["no_while_waiting"]
NO_AFTER_ADVICE: str = _SENTENCES["no_after_advice"]
STARTING_OVER: str = _SENTENCES["starting_over"]
THANKS_REPLY: str = _SENTENCES["thanks_reply"]
SLOWER_DONE: str = _SENTENCES["slower_done"]
FASTER_DONE: str = _SENTENCES["faster_done"]
SLOWEST: str = _SENTENCES["slowest"]
FASTEST: str = _SENTENCES["fastest"]
LOUDER_DONE: str = _SENTENCES["louder_done"]
QUIETER_DONE: str = _SENTENCES["quieter_done"]
LOUDEST: str = _SENTENCES["loudest"]
QUIETEST: str = _SENTENCES["quietest"]
EARCONS_OFF_DONE: str = _SENTENCES["earcons_off_done"]
EARCONS_ON_DONE: str = _SENTENCES["earcons_on_done"]
EARCONS_ALREADY_OFF: str = _SENTENCES["earcons_already_off"]
EARCONS_ALREADY_ON: str = _SENTENCES["earcons_already_on"]
HELP_OPEN: str = _SENTENCES["help_open"]
HELP_AFTER_ADVICE: str = _SENTENCES["help_after_advice"]
REMIND_OPEN: str = _SENTENCES["remind_open"]
REMIND_CLARIFYING: str = _SENTENCES["remind_clarifying"]
REMIND_AFTER_ADVICE: str = _SENTENCES["remind_after_advice"]
WAITING_QUIETLY: str = _SENTENCES["waiting_quietly"]
STOPPED: str = _SENTENCES["stopped"]
GOODBYE: str = _SENTENCES["goodbye"]
SORRY: str = _SENTENCES["sorry"]
GIVING_UP: str = _SENTENCES["giving_up"]
DID_YOU_SAY: str = _SENTENCES["did_you_say"]
DID_YOU_SAY_AGAIN: str = _SENTENCES["did_you_say_again"]
MISHEARD: str = _SENTENCES["misheard"]
TELL_AGAIN: str = _SENTENCES["tell_again"]
CHOICE: str = _SENTENCES["choice_question"]
CHOICE_AGAIN: str = _SENTENCES["choice_again"]
REMIND_CHOICE: str = _SENTENCES["remind_choice"]
HELP_YES_NO: str = _SENTENCES["help_yes_no"]
WAITING_LONGER: str = _SENTENCES["waiting_longer"]
WAITING_LONGEST: str = _SENTENCES["waiting_longest"]
CHOICES: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    (tuple(option["words"]), option["means"]) for option in _SENTENCES["choice_option"]
)
"""The choice after two misunderstandings: the ways to say each option, and what it means."""
CHOICE_VOCABULARY: tuple[str, ...] = tuple(w for words, _ in CHOICES for w in words)
"""The options' words, for a grammar-restricted recogniser."""


class State(Enum):
    """Where the conversation is."""

    NOT_STARTED = "not started"
    WAITING_FOR_DESCRIPTION = "waiting for a description"
    CLARIFYING = "asked a clarifying question"
    CONFIRMING = "asked whether a red flag was said"
    SAFETY_CHECK = "asked the safety question"
    WHICH_SIGN = "asked which of the signs it is"
    CHOOSING = "offered a choice of kinds of problem"
    RECOMMENDED = "gave a recommendation"
    ENDED = "ended"


QUESTION_STATES = frozenset({State.CONFIRMING, State.SAFETY_CHECK, State.WHICH_SIGN})
"""States in which a yes/no (or which-one) answer is awaited."""


@dataclass(frozen=True)
class _Question:
    """A yes/no question waiting for its answer."""

    text: str
    """What was asked (said again by "repeat")."""
    again: str
    """The same question asked once more, after an answer that was neither yes nor no."""
    advice: Advice
    """The advice waiting on the answer: given on a no."""
    signs: tuple[Sign, ...] = ()
    """The safety check's signs asked about."""
    flag_advice: Advice | None = None
    """"Did you say …?": the advice on the alternative hearing, given on a yes."""
    tries: int = 0
    """Answers so far that were neither yes nor no."""


def _describes_something(advice: Advice) -> bool:
    decision = advice.decision
    return bool(decision.concerns or decision.red_flags or decision.contraindications)


def _is_therapy(decision: Decision) -> bool:
    return decision.recommendation in ("physiotherapy", "massage_therapy", "both")


class Dialogue:
    """One conversation. Feed it events with `handle`; carry out the outputs in order."""

    def __init__(
        self,
        settings: Settings | None = None,
        advise: AdviseFn | None = None,
        *,
        max_timeouts: int = 3,
        max_failures: int = 3,
    ) -> None:
        self._settings = Settings() if settings is None else settings
        self._advise = advise if advise is not None else real_advise
        self._max_timeouts = max_timeouts
        self._max_failures = max_failures
        self._state = State.NOT_STARTED
        self._previous = ""  # the description waiting for its clarifying answer
        self._question = ""  # the clarifying question asked about it
        self._pending: _Question | None = None  # the yes/no question asked, if any
        self._answered: set[str] = set()  # safety signs answered no in this conversation
        self._misheard = 0  # corrections in a row
        self._answered_what_was_heard = False  # the last turn acted on what was heard
        self._last_description = ""  # the description decided last, which more words may extend
        self._last_advice: Advice | None = None
        self._last_turn: tuple[Say, ...] = ()  # what "repeat" says again
        self._timeouts = 0  # NoSpeech events in a row
        self._failures = 0  # Failure events in a row

    @property
    def state(self) -> State:
        """Where the conversation is now."""
        return self._state

    @property
    def settings(self) -> Settings:
        """The settings as changed by the person so far."""
        return self._settings

    @property
    def last_advice(self) -> Advice | None:
        """The advice behind the last recommendation, if any."""
        return self._last_advice

    def handle(self, event: Event) -> list[Output]:
        """React to one event; the outputs are to be carried out in order."""
        if self._state is State.ENDED:
            return []
        match event:
            case Start():
                return self._start()
            case Heard(text=text, alternatives=alternatives):
                return self._heard(text, alternatives)
            case NoSpeech():
                return self._no_speech()
            case Failure(message=message):
                return self._failure(message)
            case _:
                assert_never(event)

    # -- events --

    def _start(self) -> list[Output]:
        if self._state is not State.NOT_STARTED:
            return []
        self._state = State.WAITING_FOR_DESCRIPTION
        return self._turn([Say(GREETING, "greeting")])

    def _heard(self, text: str, alternatives: Sequence[Alternative]) -> list[Output]:
        if self._state is State.NOT_STARTED:
            self._state = State.WAITING_FOR_DESCRIPTION  # a driver that skipped Start
        self._timeouts = 0
        self._failures = 0
        earcons = self._settings.earcons  # as they were when the person spoke
        result = self._respond(text, alternatives)
        if not earcons:
            return result
        # Cutting the speech off is the most urgent thing, so it goes before the tone.
        if result[:1] == [StopSpeaking()]:
            return [StopSpeaking(), PlayEarcon("heard"), *result[1:]]
        return [PlayEarcon("heard"), *result]

    def _respond(self, text: str, alternatives: Sequence[Alternative]) -> list[Output]:
        if not normalize(text):
            return self._said([Say(NOT_CAUGHT, "prompt")])
        own = self._advise(text)
        if own.decision.reason == "red_flag" and self._state is not State.CLARIFYING:
            return self._recommend(own)  # a red flag is said at once, whatever the state
        correction = match_correction(text)
        if correction is not None and self._answered_what_was_heard:
            return self._corrected(correction.said_again, alternatives)
        if correction is not None:  # nothing was acted on yet: they are saying it again
            if not normalize(correction.said_again):
                return self._turn([Say(TELL_AGAIN, "prompt")])
            text, own = correction.said_again, self._advise(correction.said_again)
        if self._state in QUESTION_STATES:
            answer = match_answer(text)
            if answer is not None:
                return self._answered_yes() if answer == "yes" else self._answered_no()
        control = match_control(text)
        if control is not None:
            return self._control(control, text)
        prefix = control_prefix(text)
        if prefix is not None and not _describes_something(own):
            return self._control(prefix, text)
        answering = self._state in QUESTION_STATES or self._state is State.CHOOSING
        if (
            self._last_description
            and self._state is not State.CLARIFYING
            and continues(text, own, answering=answering)
        ):
            # Cut off, or adding to it: decided together with what was said before.
            together = f"{self._last_description} {text}"
            self._pending = None
            return self._describe(self._advise(together), ())
        if self._state in QUESTION_STATES:
            return self._unclear_answer(text)
        if self._state is State.CHOOSING:
            return self._chosen(text)
        if self._state is State.RECOMMENDED:
            self._misheard = 0  # the last reply stood: a new description starts afresh
        if self._state is State.CLARIFYING:
            return self._answer_clarification(text, alternatives)
        return self._describe(own, alternatives)

    def _no_speech(self) -> list[Output]:
        if self._state is State.NOT_STARTED or self._settings.no_speech_timeout <= 0:
            return self._listen()
        if self._state in QUESTION_STATES:
            return self._unclear_answer("")  # silence is not a no
        if self._timeouts >= self._max_timeouts:
            return self._listen()  # already waiting quietly
        self._timeouts += 1
        if self._timeouts == self._max_timeouts:
            return self._said([Say(WAITING_QUIETLY, "prompt")])
        reminder = {
            State.CLARIFYING: REMIND_CLARIFYING,
            State.RECOMMENDED: REMIND_AFTER_ADVICE,
            State.CHOOSING: REMIND_CHOICE,
        }.get(self._state, REMIND_OPEN)
        return self._said([Say(reminder, "prompt")])

    def _failure(self, message: str) -> list[Output]:
        self._failures += 1
        # The message usually says what went wrong itself; the apology stays one word then.
        text = f"Sorry. {message.strip()}" if message.strip() else SORRY
        if self._failures >= self._max_failures:
            self._state = State.ENDED
            return [Say(text, "error"), Say(GIVING_UP, "goodbye"), Exit()]
        return self._said([Say(text, "error")])

    # -- descriptions --

    def _describe(self, advice: Advice, alternatives: Sequence[Alternative]) -> list[Output]:
        """A description: ask about a red flag only an alternative holds, else go on."""
        self._last_description = advice.text
        flag_advice = self._flag_in_alternatives(advice, alternatives)
        if flag_advice is not None:
            words = quote(flag_advice.decision.matches[0])
            return self._ask(
                State.CONFIRMING,
                _Question(
                    DID_YOU_SAY.format(words=words),
                    DID_YOU_SAY_AGAIN.format(words=words),
                    advice,
                    flag_advice=flag_advice,
                ),
            )
        return self._go_on(advice)

    def _flag_in_alternatives(
        self, advice: Advice, alternatives: Sequence[Alternative]
    ) -> Advice | None:
        """The advice on the first close alternative that holds a red flag the best hearing
        does not (decided with what it answers, as the best hearing was)."""
        for alternative in alternatives[1:]:
            if alternative.share < CLOSE_SHARE:
                continue
            heard = self._advise(combine(self._previous, alternative.text))
            new_flags = set(heard.decision.red_flags) - set(advice.decision.red_flags)
            if heard.decision.reason == "red_flag" and new_flags:
                return heard
        return None

    def _go_on(self, advice: Advice) -> list[Output]:
        """Unclear: ask what is missing; therapy: the safety check first; else the advice."""
        decision = advice.decision
        if decision.recommendation == "unclear":
            return self._ask_clarifying(advice)
        if _is_therapy(decision):
            return self._checked_first(advice)
        return self._recommend(advice)

    def _checked_first(self, advice: Advice) -> list[Output]:
        """The safety check's question when it has signs to ask; the advice once it is answered
        no, or at once."""
        if self._settings.safety_check:
            decision = advice.decision
            signs = signs_to_ask(decision.heard, decision.denied, advice.text, self._answered)
            if signs:
                return self._ask(
                    State.SAFETY_CHECK,
                    _Question(question(signs), question(signs, again=True), advice, signs),
                )
        return self._recommend(advice)

    def _ask_clarifying(self, advice: Advice) -> list[Output]:
        # For "unclear" the advice's reply is the clarifying question, asking for what is missing.
        self._previous = advice.text
        self._question = advice.reply.reply
        self._state = State.CLARIFYING
        return self._turn([Say(self._question, "prompt")], acts_on_hearing=True)

    def _answer_clarification(
        self, answer: str, alternatives: Sequence[Alternative] = ()
    ) -> list[Output]:
        advice = self._advise(combine(self._previous, answer))
        if advice.decision.recommendation != "unclear":
            return self._describe(advice, alternatives)
        # Still unclear after one question: say so once and suggest asking both kinds of
        # therapist (as the source article does), instead of asking again and again. What
        # could not be understood may be a red flag misheard: the safety check comes first.
        self._previous = ""
        still = replace(
            advice, reply=replace(advice.reply, reply=f"{STILL_UNCLEAR} {CONSULT_BOTH}")
        )
        return self._checked_first(still)

    def _recommend(self, advice: Advice) -> list[Output]:
        self._last_advice = advice
        self._previous = ""
        self._pending = None
        self._state = State.RECOMMENDED
        # After a warning to see a doctor, a cheerful "would you like to hear more?" jars.
        offer = {"see_doctor": OFFER_AFTER_WARNING, "unclear": OFFER_AFTER_UNCLEAR}.get(
            advice.decision.recommendation, OFFER
        )
        return self._turn(
            [Say(advice.reply.reply, "reply"), Say(offer, "prompt")], acts_on_hearing=True
        )

    # -- yes/no questions --

    def _ask(self, state: State, asked: _Question) -> list[Output]:
        self._pending = asked
        self._state = state
        return self._turn([Say(asked.text, "prompt")], acts_on_hearing=True)

    def _answered_yes(self) -> list[Output]:
        asked = self._pending
        assert asked is not None
        if self._state is State.CONFIRMING:
            assert asked.flag_advice is not None
            return self._recommend(asked.flag_advice)
        if self._state is State.SAFETY_CHECK and urgencies_differ(asked.signs):
            text = which_question(asked.signs)
            return self._ask(State.WHICH_SIGN, replace(asked, text=text, again=text, tries=0))
        return self._recommend(self._signs_reply(asked, most_urgent(asked.signs)))

    def _answered_no(self) -> list[Output]:
        asked = self._pending
        assert asked is not None
        if self._state is State.CONFIRMING:
            return self._go_on(asked.advice)
        if self._state is State.WHICH_SIGN:
            # "no" to "which one?" is no answer at all: in doubt, the most urgent.
            return self._recommend(self._signs_reply(asked, most_urgent(asked.signs)))
        self._answered.update(sign.name for sign in asked.signs)
        return self._recommend(asked.advice)

    def _unclear_answer(self, text: str) -> list[Output]:
        """Neither yes nor no (or silence): asked once more, then taken as a yes."""
        asked = self._pending
        assert asked is not None
        if self._state is State.WHICH_SIGN and text:
            named = most_urgent(pointed_to(text, asked.signs))
            return self._recommend(self._signs_reply(asked, named))
        if asked.tries == 0:
            again = replace(asked, tries=1)
            self._pending = again
            return self._turn([Say(again.again, "prompt")], acts_on_hearing=True)
        # In doubt, escalate: to the most urgent of what was asked, without asking which.
        if self._state is State.CONFIRMING:
            return self._answered_yes()
        return self._recommend(self._signs_reply(asked, most_urgent(asked.signs)))

    def _signs_reply(self, asked: _Question, signs: Sequence[Sign]) -> Advice:
        """The red-flag advice for a yes to the signs asked about."""
        urgency = signs[0].urgency
        reply = answered_red_flag(
            [sign.asks for sign in signs], [m for sign in signs for m in sign.means], urgency
        )
        decision = replace(
            asked.advice.decision,
            recommendation="see_doctor",
            urgency=urgency,
            red_flags=tuple(dict.fromkeys(sign.flag for sign in signs)),
            reason="red_flag",
        )
        return Advice(text=asked.advice.text, decision=decision, reply=reply)

    # -- corrections --

    def _corrected(self, said_again: str, alternatives: Sequence[Alternative]) -> list[Output]:
        """The person says they were misheard: forget it, and take what they say now."""
        self._misheard += 1
        self._last_description = ""
        self._previous = ""
        self._pending = None
        self._last_advice = None
        if self._misheard >= 2:
            self._state = State.CHOOSING
            return self._turn([Say(CHOICE, "prompt")])
        self._state = State.WAITING_FOR_DESCRIPTION
        if not normalize(said_again):
            return self._turn([Say(f"{MISHEARD} {TELL_AGAIN}", "prompt")])
        outputs = self._respond(said_again, ())
        return [Say(MISHEARD, "ack"), *outputs]

    def _chosen(self, text: str) -> list[Output]:
        said = normalize(text)
        for words, means in CHOICES:
            if said in {normalize(w) for w in words}:
                self._misheard = 0
                self._state = State.WAITING_FOR_DESCRIPTION
                return self._describe(self._advise(means), ())
        own = self._advise(text)
        if own.decision.recommendation != "unclear":
            self._misheard = 0
            self._state = State.WAITING_FOR_DESCRIPTION
            return self._describe(own, ())
        return self._turn([Say(CHOICE_AGAIN, "prompt")])

    # -- controls --

    def _control(self, control: Control, text: str) -> list[Output]:
        if self._state is State.RECOMMENDED:
            self._misheard = 0  # the reply stood
        handlers: dict[Control, Callable[[], list[Output]]] = {
            Control.YES: self._yes,
            Control.NO: lambda: self._no(text),
            Control.REPEAT: self._repeat,
            Control.SLOWER: lambda: self._change_rate(-RATE_STEP),
            Control.FASTER: lambda: self._change_rate(+RATE_STEP),
            Control.LOUDER: lambda: self._change_volume(+VOLUME_STEP),
            Control.QUIETER: lambda: self._change_volume(-VOLUME_STEP),
            Control.HELP: self._help,
            Control.STOP: self._stop,
            Control.START_OVER: self._start_over,
            Control.MORE: self._more,
            Control.GOODBYE: self._goodbye,
            Control.EARCONS_OFF: lambda: self._set_earcons(False),
            Control.EARCONS_ON: lambda: self._set_earcons(True),
            Control.THANKS: lambda: self._said([Say(THANKS_REPLY, "ack")]),
            Control.WAIT_LONGER: self._wait_longer,
        }
        return handlers[control]()

    def _yes(self) -> list[Output]:
        if self._state is State.RECOMMENDED:
            return self._more()
        if self._state is State.CLARIFYING:
            return self._said([Say(CLARIFY_GO_AHEAD, "prompt")])
        return self._said([Say(YES_GO_AHEAD, "prompt")])

    def _no(self, text: str) -> list[Output]:
        if self._state is State.CLARIFYING:
            return self._answer_clarification(text)  # "no" is an answer to the question too
        if self._state is State.RECOMMENDED:
            self._state = State.WAITING_FOR_DESCRIPTION
            return self._turn([Say(NO_AFTER_ADVICE, "prompt")])
        return self._said([Say(NO_WHILE_WAITING, "prompt")])

    def _repeat(self) -> list[Output]:
        return self._said(list(self._last_turn))

    def _change_rate(self, step: int) -> list[Output]:
        rate = min(RATE_MAX, max(RATE_MIN, self._settings.rate + step))
        slower = step < 0
        changed = replace(self._settings, rate=rate)
        return self._change(changed, SetRate(rate), SLOWEST if slower else FASTEST,
                            SLOWER_DONE if slower else FASTER_DONE)  # fmt: skip

    def _change_volume(self, step: float) -> list[Output]:
        # Rounded so that repeated steps land exactly on 0.2, 0.4 ... and compare cleanly.
        volume = round(min(VOLUME_MAX, max(VOLUME_MIN, self._settings.volume + step)), 2)
        quieter = step < 0
        changed = replace(self._settings, volume=volume)
        return self._change(changed, SetVolume(volume), QUIETEST if quieter else LOUDEST,
                            QUIETER_DONE if quieter else LOUDER_DONE)  # fmt: skip

    def _change(self, changed: Settings, output: Output, at_limit: str, done: str) -> list[Output]:
        """Take on ``changed`` settings (saying ``done``), or say ``at_limit`` if nothing moved."""
        if changed == self._settings:
            return self._said([Say(at_limit, "ack")])
        self._settings = changed
        return [output, SaveSettings(changed), *self._said([Say(done, "ack")])]

    def _wait_longer(self) -> list[Output]:
        longest = min(END_SILENCE_MAX, round(self._settings.end_silence + END_SILENCE_STEP, 2))
        if longest == self._settings.end_silence:
            return self._said([Say(WAITING_LONGEST, "ack")])
        self._settings = replace(self._settings, end_silence=longest)
        return [SaveSettings(self._settings), *self._said([Say(WAITING_LONGER, "ack")])]

    def _set_earcons(self, on: bool) -> list[Output]:
        if self._settings.earcons == on:
            return self._said([Say(EARCONS_ALREADY_ON if on else EARCONS_ALREADY_OFF, "ack")])
        self._settings = replace(self._settings, earcons=on)
        done = EARCONS_ON_DONE if on else EARCONS_OFF_DONE
        return [SaveSettings(self._settings), *self._said([Say(done, "ack")])]

    def _help(self) -> list[Output]:
        if self._state in QUESTION_STATES and self._pending is not None:
            asked = self._pending
            if self._state is State.SAFETY_CHECK:
                text = help_text(asked.signs)
            else:
                text = HELP_YES_NO.format(question=asked.text)
            return self._said([Say(text, "help")])
        if self._state is State.CHOOSING:
            return self._said([Say(CHOICE_AGAIN, "help")])
        text = HELP_AFTER_ADVICE if self._state is State.RECOMMENDED else HELP_OPEN
        return self._turn([Say(text, "help")], acts_on_hearing=self._answered_what_was_heard)

    def _stop(self) -> list[Output]:
        return [StopSpeaking(), *self._said([Say(STOPPED, "caption-only")])]

    def _start_over(self) -> list[Output]:
        self._last_description = ""
        self._previous = ""
        self._pending = None
        self._answered.clear()
        self._misheard = 0
        self._last_advice = None
        self._state = State.WAITING_FOR_DESCRIPTION
        return self._turn([Say(STARTING_OVER, "prompt")])

    def _more(self) -> list[Output]:
        if self._state in QUESTION_STATES and self._pending is not None:
            return self._said([Say(f"{NOTHING_YET} {self._pending.text}", "prompt")])
        if self._last_advice is None:
            question_now = self._question if self._state is State.CLARIFYING else YES_GO_AHEAD
            return self._said([Say(f"{NOTHING_YET} {question_now}", "prompt")])
        more = self._last_advice.reply.more
        return self._turn(
            [Say(more, "more"), Say(OFFER_AFTER_MORE, "prompt")],
            acts_on_hearing=self._answered_what_was_heard,
        )

    def _goodbye(self) -> list[Output]:
        self._state = State.ENDED
        return [Say(GOODBYE, "goodbye"), Exit()]

    # -- output helpers --

    def _turn(self, says: Sequence[Say], *, acts_on_hearing: bool = False) -> list[Output]:
        """Say something worth repeating: "repeat" says this turn again. ``acts_on_hearing``:
        it answers what the person was heard to say, so "that's not what I said" refers to it."""
        self._last_turn = tuple(says)
        self._answered_what_was_heard = acts_on_hearing
        return self._said(says)

    def _said(self, says: Sequence[Say]) -> list[Output]:
        return [*says, *self._listen()]

    def _expect(self) -> Expect:
        if self._state in (State.CONFIRMING, State.SAFETY_CHECK):
            return "yes_no"
        if self._state is State.CHOOSING:
            return "choice"
        # After a recommendation the offer asks for a short answer; after "still unclear" the
        # person is invited to describe the problem another way, which needs open listening.
        advice = self._last_advice
        if (
            self._state is State.RECOMMENDED
            and advice is not None
            and advice.decision.recommendation != "unclear"
        ):
            return "short"
        return "open"

    def _listen(self) -> list[Output]:
        out: list[Output] = [PlayEarcon("listening")] if self._settings.earcons else []
        timeout = self._settings.no_speech_timeout
        quiet = timeout <= 0 or self._timeouts >= self._max_timeouts
        return [*out, Listen(self._expect(), None if quiet else timeout)]
