"""The safety check: one yes/no question about the red flags that matter for what was heard.

Before the first therapy advice of a conversation the assistant asks about the signs that need
a doctor first (always the emergency ones: chest pain, trouble breathing, one-sided weakness),
and those that fit what the person described: for back pain the bladder, bowel and groin; for a
headache a sudden severe onset, fever with a stiff neck, a head injury; after an operation or
for a painful leg a hot swollen calf and a leaking wound; for an injury not bearing weight. The
signs are data (``safety_check.toml`` beside this module); this module only chooses and words them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from intents.models import Urgency, urgency_rank
from intents.tokenize import words


@dataclass(frozen=True)
class Sign:
    """One thing the safety check can ask about."""

    name: str
    """Stable identifier."""
    asks: str
    """How it sounds inside the question ("chest pain")."""
    flag: str
    """The red flag (its name in intents/lexicon.toml) that a yes stands for."""
    means: tuple[str, ...]
    """What it can be a sign of ("a heart attack"), for the reply to a yes."""
    urgency: Urgency
    """How soon a yes needs care."""
    always: bool = False
    """Asked whatever was described."""
    when: frozenset[str] = frozenset()
    """Term names (intents/lexicon.toml) whose mention makes it worth asking."""
    when_words: frozenset[str] = frozenset()
    """Words whose mention makes it worth asking ("calf")."""
    answered_by: frozenset[str] = frozenset()
    """Term names that, said negated, already answer it ("no chest pain")."""
    keywords: frozenset[str] = frozenset()
    """Words that point to it in an answer to "which one?"."""


@dataclass(frozen=True)
class SafetyWords:
    """The check's sentences and signs."""

    question: str
    """The question; {signs} is replaced by the signs asked about."""
    again: str
    """The same question once more, after an answer that was neither yes nor no."""
    which: str
    """After a yes, when the signs asked about differ in urgency."""
    help: str
    """Said for "help" while the question is open."""
    signs: tuple[Sign, ...]
    """Every sign, in the order they are asked."""


def _load() -> SafetyWords:
    text = resources.files(__package__ or "assistant.core").joinpath("safety_check.toml")
    data = tomllib.loads(text.read_text(encoding="utf-8"))
    return SafetyWords(
        question=data["question"],
        again=data["again"],
        which=data["which"],
        help=data["help"],
        signs=tuple(_sign(entry) for entry in data["sign"]),
    )


def _sign(entry: dict[str, Any]) -> Sign:
    return Sign(
        name=entry["name"],
        asks=entry["asks"],
        flag=entry["flag"],
        means=tuple(entry["means"]),
        urgency=entry["urgency"],
        always=bool(entry.get("always", False)),
        when=frozenset(entry.get("when", ())),
        when_words=frozenset(entry.get("when_words", ())),
        answered_by=frozenset(entry.get("answered_by", ())),
        keywords=frozenset(entry.get("keywords", ())),
    )


SAFETY = _load()


def signs_to_ask(
    heard: Collection[str], denied: Collection[str], text: str, answered: Collection[str] = ()
) -> tuple[Sign, ...]:
    """The signs worth asking about, given the terms ``heard`` and ``denied`` in ``text`` and
    the signs already ``answered`` no earlier in the conversation."""
    said = set(words(text))
    chosen = []
    for sign in SAFETY.signs:
        if sign.name in answered or sign.answered_by & set(denied):
            continue
        if sign.always or sign.when & set(heard) or sign.when_words & said:
            chosen.append(sign)
    return tuple(chosen)


def listed(signs: Sequence[Sign]) -> str:
    """The signs as words: "a, b, or c"."""
    phrases = [sign.asks for sign in signs]
    if len(phrases) <= 2:
        return " or ".join(phrases)
    return ", ".join(phrases[:-1]) + ", or " + phrases[-1]


def question(signs: Sequence[Sign], *, again: bool = False) -> str:
    """The yes/no question about ``signs``."""
    return (SAFETY.again if again else SAFETY.question).format(signs=listed(signs))


def help_text(signs: Sequence[Sign]) -> str:
    """What "help" says while the question is open."""
    return SAFETY.help.format(signs=listed(signs))


def most_urgent(signs: Sequence[Sign]) -> tuple[Sign, ...]:
    """The signs of the highest urgency among ``signs``."""
    top = max(urgency_rank(sign.urgency) for sign in signs)
    return tuple(sign for sign in signs if urgency_rank(sign.urgency) == top)


def urgencies_differ(signs: Sequence[Sign]) -> bool:
    """Whether a yes leaves open how soon care is needed (so "which one?" is asked)."""
    return len({sign.urgency for sign in signs}) > 1


def which_question(signs: Sequence[Sign]) -> str:
    """ "Which one?", listing the signs by urgency group: the most urgent first."""
    groups = []
    for urgency in ("emergency", "urgent"):
        group = [sign for sign in signs if sign.urgency == urgency]
        if group:
            groups.append(" or ".join(sign.asks for sign in group))
    return SAFETY.which.format(signs=", or ".join(groups))


def pointed_to(answer: str, signs: Sequence[Sign]) -> tuple[Sign, ...]:
    """The signs an answer to "which one?" names; all of them when it names none clearly
    (in doubt, the most urgent reading is the one acted on)."""
    said = set(words(answer))
    named = tuple(sign for sign in signs if sign.keywords & said)
    return named or tuple(signs)
