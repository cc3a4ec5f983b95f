"""The conversation as a pure state machine: text events in, output events out.

No audio, files or clocks here. A driver (the microphone loop, or `listen --text`) feeds events
such as `Heard("my knee hurts")` to `Dialogue.handle` and carries out what comes back: say this,
play that tone, change the speech rate, save the settings, listen again, stop.

Flow: greet -> the person describes the problem -> a recommendation, or one clarifying question
whose answer is decided together with the first description -> offer "tell me more", "repeat" or
"start over". If the answer still leaves it unclear, the dialogue says so once and suggests
asking both kinds of therapist rather than asking again. Controls (repeat, slower, stop,
goodbye ...) work in every state; a sentence that describes a problem always goes to the advice,
and a red flag is said at once whatever the state.

No-speech timeouts: each `NoSpeech` gives a gentle, state-specific reminder; after
`max_timeouts` in a row the dialogue says it will wait quietly and listens without a time limit
until the person speaks (it never ends the conversation on its own because someone is slow).
Failures (microphone, recogniser) get a short apology and the conversation goes on; only
`max_failures` in a row, with nothing heard in between, end it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from enum import Enum
from typing import assert_never

from assistant.core.advice import Advice, combine
from assistant.core.advice import advise as real_advise
from assistant.core.controls import Control, control_prefix, match_control, normalize
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
from assistant.core.settings import (
    RATE_MAX,
    RATE_MIN,
    RATE_STEP,
    VOLUME_MAX,
    VOLUME_MIN,
    VOLUME_STEP,
    Settings,
)

AdviseFn = Callable[[str], Advice]
"""Text to advice; :func:`assistant.core.advice.advise` unless a caller holds another lexicon."""


class State(Enum):
    """Where the conversation is."""

    NOT_STARTED = "not started"
    WAITING_FOR_DESCRIPTION = "waiting for a description"
    CLARIFYING = "asked a clarifying question"
    RECOMMENDED = "gave a recommendation"
    ENDED = "ended"


# --- the product's sentences -----------------------------------------------------------------

GREETING = (
    "Hello, tell me in a few words what is bothering you, "
    "and I will suggest physiotherapy or massage therapy."
)
CLARIFY_GO_AHEAD = "Go ahead, tell me a little about it."
STILL_UNCLEAR = "I still can't tell which would suit you better."
CONSULT_BOTH = "Talking with both a physiotherapist and a massage therapist can help you decide."
OFFER_AFTER_UNCLEAR = "Say tell me more to hear what each one is for, or describe it another way."
OFFER = "Would you like to hear more? You can also say repeat, or start over."
OFFER_AFTER_WARNING = "Say repeat to hear that again, or tell me more to hear why."
OFFER_AFTER_MORE = "You can say repeat, start over, or goodbye."
NOT_CAUGHT = "Sorry, I did not catch that. Please say it again."
NOTHING_YET = "I have not suggested anything yet."
YES_GO_AHEAD = "Go ahead, tell me what is bothering you."
NO_WHILE_WAITING = "All right. Tell me what is bothering you when you are ready, or say goodbye."
NO_AFTER_ADVICE = "All right. You can tell me about something else, or say goodbye."
STARTING_OVER = "All right, let's start again. Tell me what is bothering you."
THANKS_REPLY = "You are welcome. Tell me about something else, or say goodbye when you are done."
SLOWER_DONE = "Okay, I will speak more slowly."
FASTER_DONE = "Okay, I will speak faster."
SLOWEST = "This is already my slowest speed."
FASTEST = "This is already my fastest speed."
LOUDER_DONE = "Okay, I will speak louder."
QUIETER_DONE = "Okay, I will speak more quietly."
LOUDEST = "This is already my loudest. You could turn up your speakers."
QUIETEST = "This is already my quietest."
EARCONS_OFF_DONE = "Okay, no more beeps."
EARCONS_ON_DONE = "Okay, I will beep when I start listening and when I hear you."
EARCONS_ALREADY_OFF = "The beeps are already off."
EARCONS_ALREADY_ON = "The beeps are already on."
HELP_OPEN = (
    "Tell me in your own words what is bothering you, and I will suggest physiotherapy or "
    "massage therapy. At any time you can also say repeat, slower, faster, louder, quieter, "
    "stop, start over, or goodbye."
)
HELP_AFTER_ADVICE = (
    "Say tell me more to hear why, repeat to hear it again, or start over with something new. "
    "At any time you can also say slower, faster, louder, quieter, stop, or goodbye."
)
REMIND_OPEN = "I'm still here. Tell me what is bothering you, or say help."
REMIND_CLARIFYING = (
    "Take your time. Tell me a little more, or say repeat to hear the question again."
)
REMIND_AFTER_ADVICE = "I'm still here. Say tell me more, repeat, start over, or goodbye."
WAITING_QUIETLY = "I will wait quietly. Just speak when you are ready, or say goodbye."
STOPPED = "Stopped."
GOODBYE = "Goodbye, and take care."
SORRY = "Sorry, something went wrong."
GIVING_UP = "I can't carry on because of this problem, so I will stop here. Goodbye."


# --- the conversation ------------------------------------------------------------------------


def _describes_something(advice: Advice) -> bool:
    decision = advice.decision
    return bool(decision.concerns or decision.red_flags or decision.contraindications)


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
            case Heard(text=text):
                return self._heard(text)
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

    def _heard(self, text: str) -> list[Output]:
        if self._state is State.NOT_STARTED:
            self._state = State.WAITING_FOR_DESCRIPTION  # a driver that skipped Start
        self._timeouts = 0
        self._failures = 0
        earcons = self._settings.earcons  # as they were when the person spoke
        result = self._respond(text)
        if not earcons:
            return result
        # Cutting the speech off is the most urgent thing, so it goes before the tone.
        if result[:1] == [StopSpeaking()]:
            return [StopSpeaking(), PlayEarcon("heard"), *result[1:]]
        return [PlayEarcon("heard"), *result]

    def _respond(self, text: str) -> list[Output]:
        if not normalize(text):
            return self._said([Say(NOT_CAUGHT, "prompt")])
        control = match_control(text)
        if control is not None:
            return self._control(control, text)
        own = self._advise(text)
        prefix = control_prefix(text)
        if prefix is not None and not _describes_something(own):
            return self._control(prefix, text)
        if self._state is State.CLARIFYING:
            return self._answer_clarification(text)
        if own.decision.recommendation == "unclear":
            return self._ask_clarifying(own)
        return self._recommend(own)

    def _no_speech(self) -> list[Output]:
        if self._state is State.NOT_STARTED or self._settings.no_speech_timeout <= 0:
            return self._listen()
        if self._timeouts >= self._max_timeouts:
            return self._listen()  # already waiting quietly
        self._timeouts += 1
        if self._timeouts == self._max_timeouts:
            return self._said([Say(WAITING_QUIETLY, "prompt")])
        reminder = {
            State.CLARIFYING: REMIND_CLARIFYING,
            State.RECOMMENDED: REMIND_AFTER_ADVICE,
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

    def _ask_clarifying(self, advice: Advice) -> list[Output]:
        # For "unclear" the advice's reply is the clarifying question, asking for what is missing.
        self._previous = advice.text
        self._question = advice.reply.reply
        self._state = State.CLARIFYING
        return self._turn([Say(self._question, "prompt")])

    def _answer_clarification(self, answer: str) -> list[Output]:
        advice = self._advise(combine(self._previous, answer))
        if advice.decision.recommendation != "unclear":
            return self._recommend(advice)
        # Still unclear after one question: say so once and suggest asking both kinds of
        # therapist (as the source article does), instead of asking again and again.
        self._last_advice = advice
        self._previous = ""
        self._state = State.RECOMMENDED
        return self._turn([Say(f"{STILL_UNCLEAR} {CONSULT_BOTH}", "reply"),
                           Say(OFFER_AFTER_UNCLEAR, "prompt")])  # fmt: skip

    def _recommend(self, advice: Advice) -> list[Output]:
        self._last_advice = advice
        self._previous = ""
        self._state = State.RECOMMENDED
        # After a warning to see a doctor, a cheerful "would you like to hear more?" jars.
        offer = OFFER_AFTER_WARNING if advice.decision.recommendation == "see_doctor" else OFFER
        return self._turn([Say(advice.reply.reply, "reply"), Say(offer, "prompt")])

    # -- controls --

    def _control(self, control: Control, text: str) -> list[Output]:
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

    def _set_earcons(self, on: bool) -> list[Output]:
        if self._settings.earcons == on:
            return self._said([Say(EARCONS_ALREADY_ON if on else EARCONS_ALREADY_OFF, "ack")])
        self._settings = replace(self._settings, earcons=on)
        done = EARCONS_ON_DONE if on else EARCONS_OFF_DONE
        return [SaveSettings(self._settings), *self._said([Say(done, "ack")])]

    def _help(self) -> list[Output]:
        text = HELP_AFTER_ADVICE if self._state is State.RECOMMENDED else HELP_OPEN
        return self._turn([Say(text, "help")])

    def _stop(self) -> list[Output]:
        return [StopSpeaking(), *self._said([Say(STOPPED, "caption-only")])]

    def _start_over(self) -> list[Output]:
        self._previous = ""
        self._last_advice = None
        self._state = State.WAITING_FOR_DESCRIPTION
        return self._turn([Say(STARTING_OVER, "prompt")])

    def _more(self) -> list[Output]:
        if self._last_advice is None:
            question = self._question if self._state is State.CLARIFYING else YES_GO_AHEAD
            return self._said([Say(f"{NOTHING_YET} {question}", "prompt")])
        more = self._last_advice.reply.more
        return self._turn([Say(more, "more"), Say(OFFER_AFTER_MORE, "prompt")])

    def _goodbye(self) -> list[Output]:
        self._state = State.ENDED
        return [Say(GOODBYE, "goodbye"), Exit()]

    # -- output helpers --

    def _turn(self, says: Sequence[Say]) -> list[Output]:
        """Say something worth repeating: "repeat" says this turn again."""
        self._last_turn = tuple(says)
        return self._said(says)

    def _said(self, says: Sequence[Say]) -> list[Output]:
        return [*says, *self._listen()]

    def _expects_short_answer(self) -> bool:
        # After a recommendation the offer asks for a short answer; after "still unclear" the
        # person is invited to describe the problem another way, which needs open listening.
        advice = self._last_advice
        return (
            self._state is State.RECOMMENDED
            and advice is not None
            and advice.decision.recommendation != "unclear"
        )

    def _listen(self) -> list[Output]:
        out: list[Output] = [PlayEarcon("listening")] if self._settings.earcons else []
        expect: Expect = "short" if self._expects_short_answer() else "open"
        timeout = self._settings.no_speech_timeout
        quiet = timeout <= 0 or self._timeouts >= self._max_timeouts
        return [*out, Listen(expect, None if quiet else timeout)]
