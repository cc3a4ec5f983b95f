"""Spoken controls ("repeat", "slower", "goodbye" ...) recognised as whole short utterances.

The phrases, fillers and spellings are data (``controls.toml`` beside this module), so a
translator edits them without touching Python.

A control is matched only when the whole utterance is one of its phrases, give or take polite
filler ("could you speak up please"). Matching words inside a longer sentence would turn "my
back has been stopping me from sleeping" into the stop command. `control_prefix` finds a control
at the start of a longer utterance; the dialogue uses it only when the sentence describes no
problem at all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from typing import Literal

from intents.tokenize import words as folded_words


class Control(StrEnum):
    """What a short utterance asks the assistant to do."""

    YES = "yes"
    NO = "no"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    HELP = "help"
    STOP = "stop"
    START_OVER = "start over"
    MORE = "tell me more"
    GOODBYE = "goodbye"
    EARCONS_OFF = "sounds off"
    EARCONS_ON = "sounds on"
    THANKS = "thank you"
    WAIT_LONGER = "wait for me"


@dataclass(frozen=True)
class ControlWords:
    """Everything :mod:`controls.toml <assistant.core>` says about controls."""

    phrases: dict[Control, tuple[str, ...]]
    """Each control's phrases, the one the help text uses first."""
    leading_fillers: tuple[str, ...]
    """Words before a control that do not change it ("okay stop")."""
    trailing_fillers: tuple[str, ...]
    """Words after a control that do not change it ("slower please")."""
    prefix_first_words: frozenset[str]
    """Only a control phrase opening with one of these counts at the start of a longer one."""
    contractions: dict[str, str]
    """Contractions spelled out before matching ("that's" -> "that is")."""
    same_spellings: dict[str, str]
    """Spellings that mean the same ("good bye" -> "goodbye")."""
    vocabulary: tuple[str, ...]
    """The phrases a grammar-restricted recogniser listens for when a short answer is expected
    (see the file's comment for why it is short)."""
    yes_no_vocabulary: tuple[str, ...]
    """Added to the grammar when a yes or no is expected."""
    yes: tuple[str, ...]
    """Answers that mean yes, besides the yes control's phrases."""
    no: tuple[str, ...]
    """Answers that mean no, besides the no control's phrases."""
    corrections: tuple[str, ...]
    """Whole utterances saying the assistant misheard ("that's not what I said")."""
    correction_prefixes: tuple[str, ...]
    """Openings of an utterance that says it again ("no, I said ...")."""


def _load_words() -> ControlWords:
    text = (
        resources.files(__package__ or "assistant.core")
        .joinpath("controls.toml")
        .read_text(encoding="utf-8")
    )
    data = tomllib.loads(text)
    phrases = {Control[name.upper()]: tuple(items) for name, items in data["phrases"].items()}
    return ControlWords(
        phrases=phrases,
        leading_fillers=tuple(data["fillers"]["leading"]),
        trailing_fillers=tuple(data["fillers"]["trailing"]),
        prefix_first_words=frozenset(data["fillers"]["prefix_first_words"]),
        contractions=dict(data["spelling"]["contractions"]),
        same_spellings=dict(data["spelling"]["same"]),
        vocabulary=tuple(data["grammar"]["vocabulary"]),
        yes_no_vocabulary=tuple(data["grammar"]["yes_no"]),
        yes=tuple(data["answers"]["yes"]),
        no=tuple(data["answers"]["no"]),
        corrections=tuple(data["corrections"]["phrases"]),
        correction_prefixes=tuple(data["corrections"]["prefixes"]),
    )


WORDS = _load_words()
PHRASES = WORDS.phrases
CONTROL_VOCABULARY = WORDS.vocabulary
YES_NO_VOCABULARY = (*WORDS.vocabulary, *WORDS.yes_no_vocabulary)
_LEADING_FILLERS = sorted(WORDS.leading_fillers, key=len, reverse=True)
_TRAILING_FILLERS = sorted(WORDS.trailing_fillers, key=len, reverse=True)


def normalize(text: str) -> str:
    """The words of ``text`` as :func:`intents.tokenize.words` folds them, without Vosk's
    "[unk]", with contractions spelled out."""
    folded = folded_words(text.replace("[unk]", " "))
    text = " ".join(WORDS.contractions.get(word, word) for word in folded)
    for spelling, canonical in WORDS.same_spellings.items():
        text = re.sub(rf"\b{spelling}\b", canonical, text)
    return text


_LOOKUP: dict[str, Control] = {
    phrase: control for control, phrases in PHRASES.items() for phrase in phrases
}
# "all right" and "alright" are one phrase after normalising; keep the lookup in step.
_LOOKUP.update({normalize(phrase): control for phrase, control in list(_LOOKUP.items())})
_YES = frozenset(normalize(phrase) for phrase in WORDS.yes)
_NO = frozenset(normalize(phrase) for phrase in WORDS.no)
_CORRECTIONS = frozenset(normalize(phrase) for phrase in WORDS.corrections)
# Longest first, so "no i said" wins over "i said".
_CORRECTION_PREFIXES = sorted(
    (normalize(p) for p in WORDS.correction_prefixes), key=lambda p: -len(p.split())
)


def match_control(text: str) -> Control | None:
    """The control the whole utterance asks for, or None if it is anything else."""
    words = normalize(text).split()
    seen: set[tuple[str, ...]] = set()
    while words and tuple(words) not in seen:
        seen.add(tuple(words))
        phrase = " ".join(_collapse_repeats(words))
        if phrase in _LOOKUP:
            return _LOOKUP[phrase]
        words = _strip_one_filler(words)
    return None


Answer = Literal["yes", "no"]


def match_answer(text: str) -> Answer | None:
    """A yes or a no to a yes/no question, said alone or at the start ("no, just my knee")."""
    words = normalize(text).split()
    for size in range(len(words), 0, -1):
        phrase = " ".join(_collapse_repeats(words[:size]))
        if size < len(words) and words[0] not in ("yes", "no", "yeah", "nope", "none"):
            continue  # only a plain yes or no may open a longer answer
        if phrase in _NO or _LOOKUP.get(phrase) is Control.NO:
            return "no"
        if phrase in _YES or _LOOKUP.get(phrase) is Control.YES:
            return "yes"
    stripped = _strip_one_filler(words)
    return match_answer(" ".join(stripped)) if stripped != words else None


@dataclass(frozen=True)
class Correction:
    """The person said the assistant misheard them."""

    said_again: str
    """What they said instead, in the same breath ("" when they did not say it again)."""


def match_correction(text: str) -> Correction | None:
    """ "That's not what I said", or "no, I said my knee hurts" (then that is said again)."""
    words = normalize(text).split()
    phrase = " ".join(words)
    if phrase in _CORRECTIONS or " ".join(_strip_trailing(words)) in _CORRECTIONS:
        return Correction("")
    for prefix in _CORRECTION_PREFIXES:
        parts = prefix.split()
        if words[: len(parts)] == parts and len(words) > len(parts):
            return Correction(" ".join(words[len(parts) :]))
    for correction in _CORRECTIONS:  # "that's wrong, my knee hurts"
        parts = correction.split()
        if len(parts) > 1 and words[: len(parts)] == parts and len(words) > len(parts):
            return Correction(" ".join(words[len(parts) :]))
    return None


def control_prefix(text: str) -> Control | None:
    """The control a longer utterance starts with ("goodbye and thanks"), or None."""
    words = normalize(text).split()
    while True:
        stripped = _strip_leading(words)
        if stripped == words:
            break
        words = stripped
    for size in range(min(len(words), 5), 0, -1):
        phrase = " ".join(words[:size])
        if phrase in _LOOKUP and words[0] in WORDS.prefix_first_words:
            return _LOOKUP[phrase]
    return None


def _collapse_repeats(words: list[str]) -> list[str]:
    """ "stop stop stop" -> "stop"; "no no" -> "no" (but "bye bye" is a phrase of its own)."""
    if " ".join(words) in _LOOKUP:
        return words
    for size in range(1, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return words[:size]
    return words


def _strip_leading(words: list[str]) -> list[str]:
    for filler in _LEADING_FILLERS:
        parts = filler.split()
        if words[: len(parts)] == parts and len(words) > len(parts):
            return words[len(parts) :]
    return words


def _strip_trailing(words: list[str]) -> list[str]:
    for filler in _TRAILING_FILLERS:
        parts = filler.split()
        if words[-len(parts) :] == parts and len(words) > len(parts):
            return words[: -len(parts)]
    return words


def _strip_one_filler(words: list[str]) -> list[str]:
    stripped = _strip_leading(words)
    return stripped if stripped != words else _strip_trailing(words)
