"""The phrase index: every template expanded once into a trie of stems, per family.

Built when the lexicon is loaded, so recognising an utterance is only dictionary look-ups.
Within one family the longest phrase wins at each position ("knee replacement" before
"knee"); families are scanned independently, so "broke my wrist" can be both an injury
(a concern) and a fracture (a contraindication).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from intents.models import KINDS, Kind, Lexicon, Term
from intents.templates import GAP, expand

_END = ""
"""Trie key under which a node stores what ends there (no stem is empty)."""

MAX_FILLER_SKIPS = 2
"""How many filler words one phrase may step over."""

Node = dict[str, object]


@dataclass
class PhraseTrie:
    """Stem sequences to payloads, searched for the longest phrase starting at a position."""

    root: Node = field(default_factory=dict)
    """Nested dicts keyed by stem; the empty key holds the payload of a phrase ending there."""
    size: int = 0
    """How many phrases were added."""

    def add(self, phrase: Sequence[str], payload: Iterable[str]) -> None:
        """Add one phrase; payloads of identical phrases are merged."""
        node = self.root
        for key in phrase:
            node = node.setdefault(key, {})  # type: ignore[assignment]
        old = node.get(_END, ())
        assert isinstance(old, tuple)
        node[_END] = tuple(dict.fromkeys((*old, *payload)))
        self.size += 1

    def longest(
        self,
        keys: Sequence[str],
        start: int,
        fillers: frozenset[str],
        gap_max: int,
        gap_stops: frozenset[str],
    ) -> tuple[int, tuple[str, ...]] | None:
        """The end and payload of the longest phrase starting at ``start``, if any.

        Filler words inside a phrase are stepped over; a gap in a phrase stands for up to
        ``gap_max`` words that are not ``gap_stops``.
        """
        first = self.root.get(keys[start]) if start < len(keys) else None
        if first is None:
            return None
        best: list[tuple[int, tuple[str, ...]] | None] = [None]
        n = len(keys)

        def walk(node: Node, i: int, skips: int) -> None:
            # ``node`` was reached by consuming a real key just before position ``i``.
            payload = node.get(_END)
            if payload is not None:
                found = best[0]
                if found is None or i > found[0]:
                    assert isinstance(payload, tuple)
                    best[0] = (i, payload)
            gap = node.get(GAP)
            if gap is not None:
                assert isinstance(gap, dict)
                j = i
                while j < n and j - i <= gap_max:
                    nxt = gap.get(keys[j])
                    if nxt is not None:
                        assert isinstance(nxt, dict)
                        walk(nxt, j + 1, skips)
                    if keys[j] in gap_stops:
                        break
                    j += 1
            if i >= n:
                return
            nxt = node.get(keys[i])
            if nxt is not None:
                assert isinstance(nxt, dict)
                walk(nxt, i + 1, skips)
            # Step over "really", "so" ... inside a phrase, never at its end.
            j, used = i, skips
            while j < n and keys[j] in fillers and used < MAX_FILLER_SKIPS:
                j += 1
                used += 1
                nxt = node.get(keys[j]) if j < n else None
                if nxt is not None:
                    assert isinstance(nxt, dict)
                    walk(nxt, j + 1, used)

        assert isinstance(first, dict)
        walk(first, start + 1, 0)
        return best[0]


@dataclass
class CompiledLexicon:
    """Tries for each family, for negation, and the body-part phrases."""

    families: dict[Kind, PhraseTrie]
    """One trie per family of terms; "ignore" phrases are in every one with no payload."""
    negation: PhraseTrie
    """Negation phrases; payload "before", "after" or "pseudo"."""
    body_parts: PhraseTrie
    """Body-part phrases ("knee", "lower back"), to attach them to what was heard."""
    terms: dict[str, Term]
    """Every term by name."""
    negation_starts: frozenset[str] = frozenset()
    """First stems of the negation phrases ("no", "not", "don't" ...)."""


def compile_lexicon(lexicon: Lexicon) -> CompiledLexicon:
    """Expand every template of ``lexicon`` into tries. Raises TemplateError on a bad one."""
    lists = lexicon.lists
    families = {kind: PhraseTrie() for kind in KINDS}
    terms: dict[str, Term] = {}
    for term in lexicon.terms():
        terms[term.name] = term
        for template in term.phrases:
            for phrase in expand(template, lists):
                families[term.kind].add(phrase, (term.name,))
    for template in lexicon.ignore:
        for phrase in expand(template, lists):
            for trie in families.values():
                trie.add(phrase, ())
    negation = PhraseTrie()
    starts: set[str] = set()
    for payload, templates in (
        ("before", lexicon.negation.before),
        ("after", lexicon.negation.after),
        ("pseudo", lexicon.negation.pseudo),
    ):
        for template in templates:
            for phrase in expand(template, lists):
                negation.add(phrase, (payload,))
                if payload == "before":
                    starts.add(phrase[0])
    body_parts = PhraseTrie()
    for template in lists.get("body_part", ()):
        for phrase in expand(template, lists):
            body_parts.add(phrase, ("body_part",))
    return CompiledLexicon(
        families=families,
        negation=negation,
        body_parts=body_parts,
        terms=terms,
        negation_starts=frozenset(starts),
    )
