"""The phrase index: every template compiled once into a trie of stems, per family.

Built once per lexicon (:mod:`intents.phrase_graph`), so recognising an utterance is only
dictionary look-ups.
Within one family the longest phrase wins at each position ("knee replacement" before
"knee"); families are scanned independently, so "broke my wrist" can be both an injury
(a concern) and a fracture (a contraindication).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from intents.models import KINDS, Kind, Lexicon, Term
from intents.phrase_graph import END as _END
from intents.phrase_graph import Node, compile_phrases
from intents.templates import GAP, expand

MAX_FILLER_SKIPS = 2
"""How many filler words one phrase may step over."""

MAX_DROPS = 2
"""How many small words ("my", "the") one phrase may be heard without."""


@dataclass(frozen=True)
class PhraseTrie:
    """Stem sequences to payloads, searched for the longest phrase starting at a position."""

    root: Node = field(default_factory=dict)
    """Nested dicts keyed by stem (shared where what follows is the same, so never changed);
    the empty key holds the payload of a phrase ending there."""

    @classmethod
    def of(
        cls, templates: Iterable[tuple[str, tuple[str, ...]]], lists: Mapping[str, Sequence[str]]
    ) -> PhraseTrie:
        """The trie of every phrase of ``templates``, each with its payload (merged in the
        templates' order where two give the same phrase)."""
        return cls(compile_phrases(templates, lists))

    def longest(
        self,
        keys: Sequence[str],
        start: int,
        fillers: frozenset[str],
        gap_max: int,
        gap_stops: frozenset[str],
        droppable: frozenset[str] = frozenset(),
    ) -> tuple[int, tuple[str, ...]] | None:
        """The end and payload of the longest phrase starting at ``start``, if any.

        Filler words inside a phrase are stepped over; a gap in a phrase stands for up to
        ``gap_max`` words that are not ``gap_stops``; a ``droppable`` word of a phrase may be
        missing from what was said (never its last word).
        """
        best: tuple[int, tuple[str, ...]] | None = None
        for end, payload in self.phrases_at(keys, start, fillers, gap_max, gap_stops, droppable):
            if best is None or end > best[0]:
                best = (end, payload)
        return best

    def phrases_at(
        self,
        keys: Sequence[str],
        start: int,
        fillers: frozenset[str],
        gap_max: int,
        gap_stops: frozenset[str],
        droppable: frozenset[str] = frozenset(),
    ) -> list[tuple[int, tuple[str, ...]]]:
        """The end and payload of every phrase starting at ``start``, in the order found."""
        if start >= len(keys):
            return []
        found: list[tuple[int, tuple[str, ...]]] = []
        n = len(keys)

        def walk(node: Node, i: int, skips: int, drops: int = 0, dropped: bool = False) -> None:
            # ``node`` was reached by consuming a real key just before position ``i``, or, when
            # ``dropped``, by a droppable word of the phrase that was not said: then a real key
            # must follow before the phrase may end ("hurt my" is not "hurt").
            payload = node.get(_END)
            if payload is not None and not dropped:
                assert isinstance(payload, tuple)
                found.append((i, payload))
            if dropped:
                nxt = node.get(keys[i]) if i < n else None
                if isinstance(nxt, dict):
                    walk(nxt, i + 1, skips, drops)
                return
            gap = node.get(GAP)
            if gap is not None:
                assert isinstance(gap, dict)
                j = i
                while j < n and j - i <= gap_max:
                    nxt = gap.get(keys[j])
                    if nxt is not None:
                        assert isinstance(nxt, dict)
                        walk(nxt, j + 1, skips, drops)
                    if keys[j] in gap_stops:
                        break
                    j += 1
            if i >= n:
                return
            nxt = node.get(keys[i])
            if nxt is not None:
                assert isinstance(nxt, dict)
                walk(nxt, i + 1, skips, drops)
            # Step over "really", "so" ... inside a phrase, never at its end.
            j, used = i, skips
            while j < n and keys[j] in fillers and used < MAX_FILLER_SKIPS:
                j += 1
                used += 1
                nxt = node.get(keys[j]) if j < n else None
                if nxt is not None:
                    assert isinstance(nxt, dict)
                    walk(nxt, j + 1, used, drops)
            # Heard without a small word of the phrase: "pain in knee", "hit head".
            if drops < MAX_DROPS:
                for word in droppable:
                    nxt = node.get(word)
                    if isinstance(nxt, dict) and word != keys[i]:
                        walk(nxt, i, skips, drops + 1, dropped=True)

        # A phrase starts with a word said: "the chills" is no "chills" ("i want to chill").
        first = self.root.get(keys[start])
        if isinstance(first, dict):
            walk(first, start + 1, 0)
        return found


@dataclass(frozen=True)
class LexiconIndex:
    """A lexicon with its phrase tries, built on first use (hassil style) and kept.

    Frozen, so the lexicon it owns can never drift from the tries built out of it; the
    tries are derived data, made by ``cached_property`` the first time they are needed.
    """

    lexicon: Lexicon
    """The plain data every trie is built from."""

    @cached_property
    def families(self) -> dict[Kind, PhraseTrie]:
        """One trie per family of terms; "ignore" phrases are in every one with no payload."""
        ignored = [(template, ()) for template in self.lexicon.ignore]
        return {
            kind: PhraseTrie.of(
                [
                    *((template, (term.name,)) for term in terms for template in term.phrases),
                    *ignored,
                ],
                self.lexicon.lists,
            )
            for kind, terms in self._terms_by_kind().items()
        }

    def _terms_by_kind(self) -> dict[Kind, list[Term]]:
        by_kind: dict[Kind, list[Term]] = {kind: [] for kind in KINDS}
        for term in self.lexicon.terms():
            by_kind[term.kind].append(term)
        return by_kind

    @cached_property
    def negation(self) -> PhraseTrie:
        """Negation phrases; payload "before", "after" or "pseudo"."""
        negation = self.lexicon.negation
        return PhraseTrie.of(
            [
                (template, (payload,))
                for payload, templates in (
                    ("before", negation.before),
                    ("after", negation.after),
                    ("pseudo", negation.pseudo),
                )
                for template in templates
            ],
            self.lexicon.lists,
        )

    @cached_property
    def negation_starts(self) -> frozenset[str]:
        """First stems of the phrases that negate what follows ("no", "not", "don't" ...)."""
        return frozenset(
            phrase[0]
            for template in self.lexicon.negation.before
            for phrase in expand(template, self.lexicon.lists)
        )

    @cached_property
    def body_parts(self) -> PhraseTrie:
        """Body-part phrases ("knee", "lower back"), to attach them to what was heard."""
        templates = self.lexicon.lists.get("body_part", ())
        return PhraseTrie.of(
            [(template, ("body_part",)) for template in templates], self.lexicon.lists
        )

    @cached_property
    def not_body_parts(self) -> PhraseTrie:
        """Phrases with a body-part word in them that name no body part ("six weeks back")."""
        templates = self.lexicon.lists.get("not_body_part", ())
        return PhraseTrie.of(
            [(template, ("not_body_part",)) for template in templates], self.lexicon.lists
        )

    @cached_property
    def terms(self) -> dict[str, Term]:
        """Every term by name."""
        return {term.name: term for term in self.lexicon.terms()}

    def build(self) -> LexiconIndex:
        """Build every trie now (a bad template raises TemplateError here, not mid-sentence)."""
        _ = self.families, self.negation, self.negation_starts, self.body_parts, self.not_body_parts
        return self
