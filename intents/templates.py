"""Phrase templates: a small, hassil-like notation that a clinician can write by hand.

    (a|b)     one of the alternatives
    [a]       optional
    {name}    any entry of the list ``name`` from the lexicon's ``[lists]`` table
    *         a gap of up to a few words ("pain * chest" hears "pain in my chest")

A template expands to every concrete phrase it stands for, each a tuple of stems
(see :mod:`intents.tokenize`), so "(knee|hip) replacement" gives ("knee", "replacement")
and ("hip", "replacement"). The gap stays in the phrase as :data:`GAP`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from intents.tokenize import stems, words

GAP = "*"
"""Stands in a phrase for a gap of a few words."""

MAX_EXPANSIONS = 20_000
"""A template that stands for more phrases than this is a mistake in the lexicon."""

_SPECIAL = set("()[]{}|*")
_Phrases = list[tuple[str, ...]]


class TemplateError(ValueError):
    """A template that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Words:
    """Words said in a row (as stems, or as written with ``surface``); may be empty."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """``*``: a gap of a few words."""


@dataclass(frozen=True)
class Choice:
    """One of the options (an optional part is a choice with an empty option)."""

    options: tuple[Pattern, ...]


@dataclass(frozen=True)
class Series:
    """The parts one after another."""

    parts: tuple[Pattern, ...]


Pattern = Words | Gap | Choice | Series
"""A parsed template: what :func:`expand` enumerates and :mod:`intents.phrase_graph` compiles."""

_NOTHING = Words(())


class _Parser:
    """Recursive descent over one template string."""

    def __init__(
        self, text: str, lists: Mapping[str, Sequence[str]], depth: int, surface: bool = False
    ) -> None:
        self.text = text
        self.pos = 0
        self.lists = lists
        self.depth = depth
        self.surface = surface

    def fail(self, why: str) -> TemplateError:
        return TemplateError(f"template {self.text!r}: {why}")

    def parse(self) -> Pattern:
        result = self.alternatives()
        if self.pos != len(self.text):
            raise self.fail(f"unexpected {self.text[self.pos]!r} at character {self.pos + 1}")
        return result

    def alternatives(self) -> Pattern:
        options = [self.sequence()]
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else Choice(tuple(options))

    def sequence(self) -> Pattern:
        parts: list[Pattern] = []
        while self.pos < len(self.text) and self.text[self.pos] not in "|)]":
            parts.append(self.item())
        return parts[0] if len(parts) == 1 else Series(tuple(parts))

    def item(self) -> Pattern:
        ch = self.text[self.pos]
        if ch in "([":
            close = ")" if ch == "(" else "]"
            self.pos += 1
            inner = self.alternatives()
            if self.pos >= len(self.text) or self.text[self.pos] != close:
                raise self.fail(f"missing {close!r}")
            self.pos += 1
            return Choice((inner, _NOTHING)) if ch == "[" else inner
        if ch == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.fail("missing '}'")
            name = self.text[self.pos + 1 : end].strip()
            self.pos = end + 1
            return self.list_entries(name)
        if ch == "*":
            self.pos += 1
            return Gap()
        if ch == "}":
            raise self.fail("'}' without '{'")
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _SPECIAL:
            self.pos += 1
        chunk = self.text[start : self.pos]
        return Words(tuple(words(chunk)) if self.surface else stems(chunk))

    def list_entries(self, name: str) -> Pattern:
        if name not in self.lists:
            raise self.fail(f"unknown list {{{name}}}; add it under [lists]")
        if self.depth > 4:
            raise self.fail(f"list {{{name}}} refers to lists too deeply")
        entries = [
            _Parser(entry, self.lists, self.depth + 1, self.surface).parse()
            for entry in self.lists[name]
        ]
        return Choice(tuple(entries))


def parse(
    template: str, lists: Mapping[str, Sequence[str]] | None = None, *, surface: bool = False
) -> Pattern:
    """The pattern ``template`` stands for (see :func:`expand` for ``surface``). Raises
    :class:`TemplateError` for a template that does not parse."""
    return _Parser(template, lists or {}, 0, surface).parse()


def _phrases(pattern: Pattern, template: str) -> _Phrases:
    """Every word sequence of ``pattern``, gaps kept as :data:`GAP`."""
    if isinstance(pattern, Words):
        return [pattern.keys]
    if isinstance(pattern, Gap):
        return [(GAP,)]
    if isinstance(pattern, Choice):
        return [phrase for option in pattern.options for phrase in _phrases(option, template)]
    result: _Phrases = [()]
    for part in pattern.parts:
        result = [a + b for a, b in itertools.product(result, _phrases(part, template))]
        if len(result) > MAX_EXPANSIONS:
            raise TemplateError(
                f"template {template!r}: stands for more than {MAX_EXPANSIONS} phrases; split it"
            )
    return result


def expand(
    template: str, lists: Mapping[str, Sequence[str]] | None = None, *, surface: bool = False
) -> list[tuple[str, ...]]:
    """Every phrase ``template`` stands for, as stem tuples, without duplicates or empties.

    With ``surface`` the phrases keep the words as written (folded to lower case) instead of
    stems: what a matcher without stemming is given. Raises :class:`TemplateError` for a
    template that does not parse.
    """
    phrases = _phrases(parse(template, lists, surface=surface), template)
    seen: dict[tuple[str, ...], None] = {}
    for phrase in phrases:
        # A gap at either end means nothing; two gaps in a row are one.
        cleaned = tuple(
            s for i, s in enumerate(phrase) if not (s == GAP and i and phrase[i - 1] == GAP)
        )
        while cleaned and cleaned[0] == GAP:
            cleaned = cleaned[1:]
        while cleaned and cleaned[-1] == GAP:
            cleaned = cleaned[:-1]
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)
