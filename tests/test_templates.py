"""Phrase templates expand to every phrase they stand for."""

from __future__ import annotations

import pytest

from intents.templates import GAP, MAX_EXPANSIONS, TemplateError, expand


def test_plain_words_are_one_phrase_of_stems() -> None:
    assert expand("knee replacements") == [("knee", "replacement")]


def test_alternatives_and_optional_words() -> None:
    assert set(expand("(hip|knee) [joint] pain")) == {
        ("hip", "pain"),
        ("knee", "pain"),
        ("hip", "joint", "pain"),
        ("knee", "joint", "pain"),
    }


def test_lists_are_expanded_and_may_hold_templates() -> None:
    lists = {"joint": ["knee", "(left|right) hip"]}
    assert set(expand("stiff {joint}", lists)) == {
        ("stiff", "knee"),
        ("stiff", "left", "hip"),
        ("stiff", "right", "hip"),
    }


def test_gap_stays_inside_and_is_dropped_at_the_ends() -> None:
    assert expand("pain * chest") == [("pain", GAP, "chest")]
    assert expand("* chest *") == [("chest",)]


def test_an_empty_expansion_is_not_a_phrase() -> None:
    assert expand("[a]") == [("a",)]
    assert expand("[!]") == []


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("(knee", "missing ')'"),
        ("[knee", "missing ']'"),
        ("knee)", "unexpected ')'"),
        ("{joint", "missing '}'"),
        ("stiff {nope}", "unknown list {nope}"),
    ],
)
def test_bad_templates_say_what_is_wrong(template: str, fragment: str) -> None:
    with pytest.raises(TemplateError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        expand(template, {})


def test_a_template_that_explodes_is_refused() -> None:
    ten = "(a|b|c|d|e|f|g|h|i|j)"
    with pytest.raises(TemplateError, match=str(MAX_EXPANSIONS)):
        expand(" ".join([ten] * 5))


def test_surface_expansion_keeps_the_words_as_written() -> None:
    assert set(expand("[i] sprained (my|his) knees", surface=True)) == {
        ("i", "sprained", "my", "knees"),
        ("i", "sprained", "his", "knees"),
        ("sprained", "my", "knees"),
        ("sprained", "his", "knees"),
    }
    assert expand("Don't", surface=True) == [("don't",)]
