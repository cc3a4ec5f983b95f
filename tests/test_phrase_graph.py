"""The phrase graph holds exactly the phrases the templates expand to, sharing equal tails."""

from __future__ import annotations

import pytest

from intents import load_lexicon
from intents.models import KINDS
from intents.phrase_graph import END, Node, compile_phrases
from intents.templates import GAP, TemplateError, expand
from intents.tokenize import stems

Templates = list[tuple[str, tuple[str, ...]]]


def _phrases(node: Node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    """Every phrase of the graph with its payload, by walking every path."""
    found: dict[tuple[str, ...], object] = {}
    if END in node:
        found[prefix] = node[END]
    for key, following in node.items():
        if key != END:
            assert isinstance(following, dict)
            found.update(_phrases(following, (*prefix, key)))
    return found


def _expanded(templates: Templates, lists: dict[str, list[str]]) -> dict[tuple[str, ...], object]:
    """What a trie of the expanded phrases holds (payloads merged in the templates' order)."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for template, payload in templates:
        for phrase in expand(template, lists):
            found[phrase] = tuple(dict.fromkeys((*found.get(phrase, ()), *payload)))
    return found


def _nodes(node: Node, seen: set[int] | None = None) -> int:
    seen = set() if seen is None else seen
    if id(node) not in seen:
        seen.add(id(node))
        for key, following in node.items():
            if key != END:
                assert isinstance(following, dict)
                _nodes(following, seen)
    return len(seen)


@pytest.mark.parametrize(
    "template",
    [
        "(hip|knee) [joint] pain",
        "* chest *",
        "pain * * chest",
        "[a] [b]",
        "[!]",
        "[really] * sore",
        "sore [*]",
        "(a|a b|a b c) [d]",
    ],
)
def test_one_template_gives_exactly_its_expanded_phrases(template: str) -> None:
    templates: Templates = [(template, ("t",))]
    assert _phrases(compile_phrases(templates, {})) == _expanded(templates, {})


def test_a_phrase_two_templates_give_carries_both_payloads_in_their_order() -> None:
    templates: Templates = [("sore knee", ("b",)), ("(sore|stiff) knee", ("a",)), ("knee", ())]
    graph = compile_phrases(templates, {})
    sore, stiff, knee = stems("sore stiff knee")
    assert _phrases(graph) == {(sore, knee): ("b", "a"), (stiff, knee): ("a",), (knee,): ()}


def test_gaps_at_the_ends_mean_nothing_and_two_in_a_row_are_one() -> None:
    graph = compile_phrases([("* pain * * chest *", ("p",))], {})
    assert _phrases(graph) == {(*stems("pain"), GAP, *stems("chest")): ("p",)}


def test_what_follows_a_choice_is_built_once() -> None:
    lists = {"part": [f"part{i}" for i in range(50)]}
    templates: Templates = [("(hurt|sore|stiff|aching) [my|the] {part} [badly]", ("t",))]
    graph = compile_phrases(templates, lists)
    assert len(_phrases(graph)) == 4 * 3 * 50 * 2
    assert _nodes(graph) < 10  # a trie of the same 1,200 phrases needs over 1,400 nodes


def test_a_template_that_does_not_parse_is_refused() -> None:
    with pytest.raises(TemplateError, match="unknown list"):
        compile_phrases([("{nothing}", ("t",))], {})


def test_the_lexicon_graphs_hold_exactly_the_expanded_phrases() -> None:
    lexicon = load_lexicon()
    ignored: Templates = [(template, ()) for template in lexicon.ignore]
    for kind in KINDS:
        templates: Templates = [
            (template, (term.name,))
            for term in lexicon.terms()
            if term.kind == kind
            for template in term.phrases
        ] + ignored
        graph = compile_phrases(templates, lexicon.lists)
        assert _phrases(graph) == _expanded(templates, lexicon.lists), kind
