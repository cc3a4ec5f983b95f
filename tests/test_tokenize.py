"""Tokenising: the same keys for what people say and for the lexicon."""

from __future__ import annotations

import pytest

from intents.tokenize import fold, stem, stems, tokenize, words


def test_fold_ignores_case_accents_and_apostrophe_styles() -> None:
    assert fold("CAF\u00c9 Don\u2019t") == fold("caf\u00e9 don't") == "cafe don't"


def test_fold_treats_sharp_s_and_dotless_i_like_their_capitals() -> None:
    assert fold("STRASSE") == fold("straße")
    assert fold("\u0131") == fold("I")


def test_tokens_keep_the_heard_text_and_their_position() -> None:
    tokens = tokenize("I've SPRAINED my ankle!")
    assert [t.text for t in tokens] == ["i've", "sprained", "my", "ankle"]
    assert [t.index for t in tokens] == [0, 1, 2, 3]
    assert tokens[0].stem == "ive"


@pytest.mark.parametrize(
    ("forms", "expected_same"),
    [
        (["sprain", "sprains", "sprained", "spraining"], True),
        (["ache", "aches", "ached", "aching"], True),
        (["knee", "knees"], True),
        (["injury", "injuries"], True),
        (["tear", "tore", "torn"], True),
        (["break", "broke", "broken"], True),
        (["fall", "fell", "falling"], True),
        (["go", "goes", "went"], True),
        (["stiff", "stiffness"], True),
        (["sudden", "suddenly"], True),
        (["slip", "slipped", "slipping"], True),
        (["knot", "knotted", "knots"], True),
    ],
)
def test_inflections_meet_at_one_stem(forms: list[str], expected_same: bool) -> None:
    assert (len({stem(f) for f in forms}) == 1) is expected_same


@pytest.mark.parametrize(
    "different",
    [
        ("having", "had"),
        ("note", "not"),
        ("stress", "stres"),
        ("arthritis", "arthriti"),
        ("need", "ne"),
        ("freely", "free"),
    ],
)
def test_words_that_must_stay_apart(different: tuple[str, str]) -> None:
    a, b = different
    assert stem(a) != stem(b) or a == b


@pytest.mark.parametrize(
    ("scots", "english"),
    [("cannae", "can't"), ("wouldnae", "wouldn't"), ("didnae", "didn't"), ("dinnae", "don't")],
)
def test_scots_negatives_meet_the_english_ones(scots: str, english: str) -> None:
    assert stems(scots) == stems(english)


def test_words_that_end_like_suffixes_are_kept() -> None:
    assert stem("arthritis") == "arthritis"
    assert stem("sclerosis") == "sclerosis"
    assert stem("stress") == "stress"
    assert stem("nervous") == "nervous"


def test_a_word_after_a_full_stop_starts_a_sentence() -> None:
    tokens = tokenize("No fever. Stressed, tired; fine! ok? yes")
    assert [t.sentence_start for t in tokens] == [False, False, True, False, True, True, True]
    assert not any(t.sentence_start for t in tokenize("no fever, rash or stiff neck"))


def test_stems_split_on_punctuation_and_hyphens() -> None:
    assert stems("long-term pain.") == ("long", "term", "pain")


@pytest.mark.parametrize("text", ["", "   ", "\x00\x1f", "😀🔥", "頭が痛い", "x" * 10_000])
def test_any_text_tokenises_without_error(text: str) -> None:
    tokenize(text)


@pytest.mark.parametrize(
    ("slip", "agreeing"),
    [
        ("she don't feel her feet", "she doesn't feel her feet"),
        ("he haven't slept", "he hasn't slept"),
        ("it do hurt", "it does hurt"),
        ("she disnae feel it", "she doesn't feel it"),
    ],
)
def test_agreement_slips_meet_the_agreeing_forms(slip: str, agreeing: str) -> None:
    assert stems(slip) == stems(agreeing)


@pytest.mark.parametrize(
    "forms",
    [
        ["tight", "tighter", "tightest"],
        ["sore", "sorer", "sorest"],
        ["stiff", "stiffer", "stiffest"],
        ["tense", "tenser"],
        ["achy", "achier", "achiest"],
        ["weak", "weaker", "weakest"],
    ],
)
def test_degree_forms_of_how_a_body_feels_meet_the_plain_word(forms: list[str]) -> None:
    assert len({stem(f) for f in forms}) == 1


@pytest.mark.parametrize("word", ["chest", "rest", "shoulder", "finger", "after", "water"])
def test_words_ending_like_degree_forms_are_kept(word: str) -> None:
    assert stem(word) == word


@pytest.mark.parametrize(
    ("dropped", "written"),
    [("feelin'", "feeling"), ("achin'", "aching"), ("nothin'", "nothing"), ("goin'", "going")],
)
def test_a_dropped_g_meets_the_written_word(dropped: str, written: str) -> None:
    assert stems(f"my back's {dropped} bad") == stems(f"my back's {written} bad")
    assert words(dropped) == [written]


def test_an_apostrophe_inside_a_word_or_a_quote_is_not_a_dropped_g() -> None:
    assert words("'in' she said") == ["in", "she", "said"]
    assert words("the cousin's car") == ["the", "cousin's", "car"]


@pytest.mark.parametrize(
    ("caribbean", "english"),
    [
        ("mi cyaan sleep", "my can't sleep"),
        ("mih back ent injured", "my back isn't injured"),
        ("mi nuh stress", "my not stress"),
        ("fi weeks inna mi arm", "for weeks in my arm"),
        ("banged ma heid an' noo it's sair", "banged my head and now it's sore"),
    ],
)
def test_caribbean_words_meet_the_english_ones(caribbean: str, english: str) -> None:
    assert stems(caribbean) == stems(english)


@pytest.mark.parametrize(
    ("dialect", "english"),
    [
        ("ma heid's sair", "my head's sore"),
        ("me heed's banging", "me head's banging"),
        ("nae injury", "no injury"),
    ],
)
def test_scots_and_geordie_words_meet_the_english_ones(dialect: str, english: str) -> None:
    assert stems(dialect) == stems(english)


def test_chilled_is_kept_apart_from_the_chills() -> None:

    assert stem("chilled") != stem("chills")


def test_healed_and_mended_stay_apart_from_still_healing_and_mending() -> None:
    assert stem("healed") != stem("healing")
    assert stem("mended") != stem("mending")
