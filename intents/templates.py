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

from intents.tokenize import stems, words

GAP = "*"
"""Stands in a phrase for a gap of a few words."""

MAX_EXPANSIONS = 20_000
"""A template that stands for more phrases than this is a mistake in the lexicon."""

_SPECIAL = set("()[]{}|*")
_Phrases = list[tuple[str, ...]]


class TemplateError(ValueError):
    """A template that cannot be read; the message says where and why."""


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

    def parse(self) -> _Phrases:
        result = self.alternatives()
        if self.pos != len(self.text):
            raise self.fail(f"unexpected {self.text[self.pos]!r} at character {self.pos + 1}")
        return result

    def alternatives(self) -> _Phrases:
        options = self.sequence()
        while self.pos < len(self.text) and self.text[self.pos] == "|":
            self.pos += 1
            options = options + self.sequence()
        return options

    def sequence(self) -> _Phrases:
        result: _Phrases = [()]
        while self.pos < len(self.text) and self.text[self.pos] not in "|)]":
            part = self.item()
            result = [a + b for a, b in itertools.product(result, part)]
            if len(result) > MAX_EXPANSIONS:
                raise self.fail(f"stands for more than {MAX_EXPANSIONS} phrases; split it")
        return result

    def item(self) -> _Phrases:
        ch = self.text[self.pos]
        if ch in "([":
            close = ")" if ch == "(" else "]"
            self.pos += 1
            inner = self.alternatives()
            if self.pos >= len(self.text) or self.text[self.pos] != close:
                raise self.fail(f"missing {close!r}")
            self.pos += 1
            return [*inner, ()] if ch == "[" else inner
        if ch == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.fail("missing '}'")
            name = self.text[self.pos + 1 : end].strip()
            self.pos = end + 1
            return self.list_phrases(name)
        if ch == "*":
            self.pos += 1
            return [(GAP,)]
        if ch == "}":
            raise self.fail("'}' without '{'")
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in _SPECIAL:
            self.pos += 1
        chunk = self.text[start : self.pos]
        return [tuple(words(chunk)) if self.surface else stems(chunk)]

    def list_phrases(self, name: str) -> _Phrases:
        if name not in self.lists:
            raise self.fail(f"unknown list {{{name}}}; add it under [lists]")
        if self.depth > 4:
            raise self.fail(f"list {{{name}}} refers to lists too deeply")
        found: _Phrases = []
        for entry in self.lists[name]:
            found.extend(_Parser(entry, self.lists, self.depth + 1, self.surface).parse())
        return found


def expand(
    template: str, lists: Mapping[str, Sequence[str]] | None = None, *, surface: bool = False
) -> list[tuple[str, ...]]:
    """Every phrase ``template`` stands for, as stem tuples, without duplicates or empties.

    With ``surface`` the phrases keep the words as written (folded to lower case) instead of
    stems: what a matcher without stemming is given. Raises :class:`TemplateError` for a
    template that does not parse.
    """
    phrases = _Parser(template, lists or {}, 0, surface).parse()
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
