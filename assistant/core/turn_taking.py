"""Turn-taking: when the person has finished, and when an utterance continues the one before.

Pure policy, no audio: the live recogniser asks :func:`silence_to_end` with the words heard so
far how long a silence ends the utterance; the dialogue asks :func:`continues` whether what was
just heard carries on the last description (the person was cut off, or adds to it). The words
are data (``turn_taking.toml`` beside this module).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from assistant.core.advice import Advice, advise
from assistant.core.controls import Control, match_answer, match_control, normalize
from assistant.core.decision import Decision
from intents import load_index, load_lexicon
from intents.templates import expand
from intents.tokenize import stems, words


@dataclass(frozen=True)
class TurnWords:
    """What ``turn_taking.toml`` says."""

    control: float
    """Seconds of silence that end a short control or answer."""
    complete: float
    """Seconds that end a complete description."""
    unsure: float
    """Seconds that end anything else that is not plainly unfinished."""
    said_of_a_body_part: frozenset[str]
    """Concerns that are said of a body part (a complete one names it)."""
    unfinished_endings: frozenset[str]
    """Words an unfinished utterance ends on."""
    continuation_openers: frozenset[str]
    """Words an utterance that continues the one before opens with."""


def _load() -> TurnWords:
    text = resources.files(__package__ or "assistant.core").joinpath("turn_taking.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    return TurnWords(
        control=float(data["control"]),
        complete=float(data["complete"]),
        unsure=float(data["unsure"]),
        said_of_a_body_part=frozenset(data["said_of_a_body_part"]),
        unfinished_endings=frozenset(data["unfinished_endings"]),
        continuation_openers=frozenset(data["continuation_openers"]),
    )


TURNS = _load()


def silence_to_end(heard: str, longest: float, *, answering: bool = False) -> float:
    """Seconds of silence after ``heard`` that end the utterance (``longest``: the setting).

    A yes or a no ends quickest only while a yes/no question is open (``answering``): at any
    other time "so yeah" or "not really" is more often the start of a description."""
    said = words(heard)
    if not said:
        return longest
    # A control first: "start over", "slow down" and "speak up" end on words that leave a
    # description unfinished.
    control = match_control(heard)
    if control is not None and control not in (Control.YES, Control.NO):
        return min(TURNS.control, longest)
    if said[-1] in TURNS.unfinished_endings:
        return longest
    if answering and match_answer(heard) is not None:
        return min(TURNS.control, longest)
    decision = advise(heard).decision
    if decision.recommendation != "unclear" and not _awaits_body_part(decision, heard):
        return min(TURNS.complete, longest)
    return min(TURNS.unsure, longest)


def _awaits_body_part(decision: Decision, heard: str) -> bool:
    """Whether the last thing heard is a concern said of a body part, with none named yet."""
    if decision.recommendation == "see_doctor" and decision.urgency is not None:
        return False  # a red flag is answered at once
    said = stems(heard)
    if _names_body_part(said):
        return False  # "my lower back gets achy and tight": the part came first
    return any(m.end == len(said) and m.name in TURNS.said_of_a_body_part for m in decision.matches)


def _names_body_part(said: tuple[str, ...]) -> bool:
    """Whether a body part is said anywhere in ``said`` (stems), by the matcher's own trie."""
    parts = load_index().body_parts
    return any(parts.longest(said, i, frozenset(), 0, frozenset()) for i in range(len(said)))


@cache
def _body_part_openings() -> frozenset[tuple[str, ...]]:
    """The body parts of the lexicon as word tuples ("knee", "lower back")."""
    lexicon = load_lexicon()
    return frozenset(
        phrase
        for template in lexicon.lists.get("body_part", ())
        for phrase in expand(template, lexicon.lists, surface=True)
    )


def _opens_with_body_part(said: list[str]) -> bool:
    start = said[1:] if said[:1] == ["my"] else said
    return any(tuple(start[: len(part)]) == part for part in _body_part_openings())


def continues(text: str, own: Advice, *, answering: bool = False) -> bool:
    """Whether ``text`` (decided alone as ``own``) plainly carries on the description before:
    it opens with "and", "but", "because" ..., or with a body part, or it is a fragment with no
    concern of its own (and not a control or an answer). While a question is open
    (``answering``) only the opening words count: a body part or a fragment answers it."""
    said = words(text)
    if not said or match_control(text) is not None or match_answer(text) is not None:
        return False
    if said[0] in TURNS.continuation_openers:
        return True
    if answering:
        return False
    if _opens_with_body_part(said):
        return True
    decision = own.decision
    has_own = decision.concerns or decision.red_flags or decision.contraindications
    content = [word for word in said if word not in TURNS.unfinished_endings]
    return not has_own and bool(content) and len(normalize(text).split()) <= 4
