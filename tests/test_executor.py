"""Tests for assistant/app/executor.py: the one executor of the dialogue's outputs.

Driven here by the typed conversation's ears and mouth (real parts, no speech); the voice
conversation runs through the same executor in tests/test_voice.py and tests/test_listen_faults.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from assistant.app.executor import GAVE_UP_EXIT_CODE, INTERNAL_FAULT, Executor
from assistant.app.typed import TypedEars, TypedMouth
from assistant.core.advice import Advice, advise
from assistant.core.dialogue import GIVING_UP, GOODBYE, GREETING, Dialogue
from assistant.core.settings import Settings
from support.faults import FaultInjected

KNEE = "i hurt my knee playing football"


class AlwaysFailingAdvise:
    """A fault: deciding raises every time (an internal error that keeps happening)."""

    def __call__(self, text: str) -> Advice:
        raise FaultInjected("fault_advice: deciding always fails")


def run(lines: list[str], advise_fn: Callable[[str], Advice]) -> tuple[int, list[str]]:
    captions = io.StringIO()
    executor = Executor(
        dialogue=Dialogue(Settings(), advise_fn),
        mouth=TypedMouth(None, io.StringIO()),
        ears=TypedEars(iter(lines)),
        captions=captions,
        save=lambda settings: None,
    )
    return executor.run(), captions.getvalue().splitlines()


def test_an_internal_fault_is_apologised_for_and_the_talk_goes_on() -> None:
    from support.faults import FaultyAdvise

    code, captions = run([KNEE, KNEE, "no", "bye"], FaultyAdvise(advise))
    assert code == 0
    assert captions[0] == GREETING
    assert captions[1] == f"Sorry. {INTERNAL_FAULT}"
    assert advise(KNEE).reply.reply in captions
    assert captions[-1] == GOODBYE


def test_every_failed_turn_is_apologised_for_and_ending_on_a_fault_is_exit_1() -> None:
    code, captions = run([KNEE] * 5, AlwaysFailingAdvise())
    assert captions.count(f"Sorry. {INTERNAL_FAULT}") == 5  # the person spoke between them
    assert GIVING_UP not in captions
    assert code == GAVE_UP_EXIT_CODE
