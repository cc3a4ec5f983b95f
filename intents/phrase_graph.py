"""Templates compiled into one phrase graph: the trie of every phrase they stand for, with
equal tails shared, built without listing the phrases.

Expanding the lexicon's templates gives hundreds of thousands of phrases (every body part after
every verb ...), and a trie of them holds as many nodes; the same phrases as a graph that shares
what follows a choice need a few thousand. Each template becomes a small automaton (Thompson's
construction over :class:`intents.templates.Pattern`), and the automata of one family are made
deterministic together (the subset construction), so the result reads exactly like the trie:
a dict per node keyed by stem, :data:`GAP` for a gap, :data:`END` for what ends there.

Gaps follow :func:`intents.templates.expand`: a gap at either end of a phrase means nothing and
two gaps in a row are one. The payloads of a phrase that several templates give are merged in
the templates' order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from intents.templates import GAP, Gap, Pattern, Series, Words, parse

END = ""
"""Node key under which the payload of a phrase ending there is kept (no stem is empty)."""

Node = dict[str, object]
"""A node: stem (or GAP) to the next node, and END to a tuple of payload names."""

_FIRST, _WORD, _GAP = 0, 1, 2
"""Where a phrase stands: nothing said yet; just after a word; just after a gap (a gap is
only kept once a word follows it)."""

_Item = tuple[int, int]
"""An automaton state and where the phrase stands there."""


class _Automaton:
    """States with labelled moves (None = a move that reads nothing); final states carry the
    index of the template whose phrase ends there."""

    def __init__(self) -> None:
        self.moves: list[list[tuple[str | None, int]]] = []
        self.final: dict[int, int] = {}

    def new_state(self) -> int:
        self.moves.append([])
        return len(self.moves) - 1

    def add(self, pattern: Pattern, start: int) -> int:
        """Add the moves of ``pattern`` from ``start``; the state where it ends."""
        if isinstance(pattern, Words):
            state = start
            for key in pattern.keys:
                following = self.new_state()
                self.moves[state].append((key, following))
                state = following
            return state
        if isinstance(pattern, Gap):
            following = self.new_state()
            self.moves[start].append((GAP, following))
            return following
        if isinstance(pattern, Series):
            state = start
            for part in pattern.parts:
                state = self.add(part, state)
            return state
        joined = self.new_state()
        for option in pattern.options:
            # Each option from a fresh state, so that no option's moves mix with another's.
            own = self.new_state()
            self.moves[start].append((None, own))
            self.moves[self.add(option, own)].append((None, joined))
        return joined


def compile_phrases(
    templates: Iterable[tuple[str, tuple[str, ...]]], lists: Mapping[str, Sequence[str]]
) -> Node:
    """The root of the graph of every phrase of ``templates`` (each with its payload).

    Raises :class:`intents.templates.TemplateError` for a template that does not parse.
    """
    automaton = _Automaton()
    start = automaton.new_state()
    payloads: list[tuple[str, ...]] = []
    for template, payload in templates:
        own = automaton.new_state()
        automaton.moves[start].append((None, own))
        automaton.final[automaton.add(parse(template, lists), own)] = len(payloads)
        payloads.append(payload)
    return _Determinizer(automaton, payloads).root(start)


class _Determinizer:
    """The subset construction, one graph node per set of items reached."""

    def __init__(self, automaton: _Automaton, payloads: list[tuple[str, ...]]) -> None:
        self.automaton = automaton
        self.payloads = payloads
        self.nodes: dict[frozenset[_Item], Node] = {}
        self.shared: dict[tuple[object, ...], Node] = {}

    def root(self, start: int) -> Node:
        first = self._closure([(start, _FIRST)])
        pending = [first]
        self.nodes[first] = {}
        while pending:
            items = pending.pop()
            node = self.nodes[items]
            for key, following in self._moves(items).items():
                if following not in self.nodes:
                    self.nodes[following] = {}
                    pending.append(following)
                node[key] = self.nodes[following]
            ends = self._ends(items)
            if ends is not None:
                node[END] = ends
        root = self._pruned(self.nodes[first], {})
        return root if root is not None else {}

    def _closure(self, items: Iterable[_Item]) -> frozenset[_Item]:
        """The items plus every item reached by moves that read nothing; a gap reads nothing
        before the first word and right after another gap."""
        seen = set(items)
        stack = list(seen)
        moves = self.automaton.moves
        while stack:
            state, stands = stack.pop()
            for key, following in moves[state]:
                if key is None or (key == GAP and stands != _WORD):
                    item = (following, stands)
                    if item not in seen:
                        seen.add(item)
                        stack.append(item)
        return frozenset(seen)

    def _moves(self, items: frozenset[_Item]) -> dict[str, frozenset[_Item]]:
        """Per key read, the items reached (a gap is read only right after a word)."""
        reached: dict[str, list[_Item]] = {}
        moves = self.automaton.moves
        for state, stands in items:
            for key, following in moves[state]:
                if key is None:
                    continue
                if key == GAP:
                    if stands == _WORD:
                        reached.setdefault(GAP, []).append((following, _GAP))
                else:
                    reached.setdefault(key, []).append((following, _WORD))
        return {key: self._closure(found) for key, found in sorted(reached.items())}

    def _ends(self, items: frozenset[_Item]) -> tuple[str, ...] | None:
        """The merged payload of the phrases ending here, or None when none does. A phrase
        ends here when its final state follows a word by moves that read nothing or gaps
        only (a gap at the end means nothing)."""
        moves, final = self.automaton.moves, self.automaton.final
        seen = {state for state, stands in items if stands == _WORD}
        stack = list(seen)
        templates: set[int] = set()
        while stack:
            state = stack.pop()
            if state in final:
                templates.add(final[state])
            for key, following in moves[state]:
                if (key is None or key == GAP) and following not in seen:
                    seen.add(following)
                    stack.append(following)
        if not templates:
            return None
        names = (name for index in sorted(templates) for name in self.payloads[index])
        return tuple(dict.fromkeys(names))

    def _pruned(self, node: Node, done: dict[int, Node | None]) -> Node | None:
        """``node`` without the moves into nodes where no phrase ends, nodes equal in what
        follows them made one; None when no phrase ends at or after ``node``."""
        if id(node) in done:
            return done[id(node)]
        kept: Node = {}
        for key, value in node.items():
            if key == END:
                kept[key] = value
                continue
            assert isinstance(value, dict)
            following = self._pruned(value, done)
            if following is not None:
                kept[key] = following
        result = None
        if kept:
            signature = tuple(
                (key, id(value) if isinstance(value, dict) else value)
                for key, value in sorted(kept.items())
            )
            result = self.shared.setdefault(signature, kept)
        done[id(node)] = result
        return result
