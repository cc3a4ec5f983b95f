"""Domain sentences from the packaged lexicon and carriers: deterministic, free of the lexicon's
mishearing variants, and made only of words the model knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.domain_text import CARRIERS_FILE, domain_sentences, load_carriers
from assistant.core.errors import UserError
from intents import load_lexicon


def _anything(word: str) -> bool:
    return True


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return domain_sentences(load_lexicon(), load_carriers(), _anything)


def test_the_same_inputs_give_the_same_sentences(sentences: list[str]) -> None:
    assert domain_sentences(load_lexicon(), load_carriers(), _anything) == sentences
    assert domain_sentences(load_lexicon(), load_carriers(), _anything, seed=2) != sentences


def test_every_family_of_the_lexicon_is_spoken_of(sentences: list[str]) -> None:
    assert len(sentences) > 5000
    text = "\n".join(sentences)
    for words in ["rolled my ankle", "chest pain", "pregnant", "frozen shoulder", "stressed"]:
        assert words in text, words


@pytest.mark.parametrize(
    "mishearing", ["chess pain", "arthur itis", "me greens", "carpool tunnel", "is grouping"]
)
def test_the_lexicon_s_mishearing_variants_are_left_out(
    sentences: list[str], mishearing: str
) -> None:
    assert load_lexicon().lists  # the variants are in the lexicon ...
    assert not any(f" {mishearing} " in f" {s} " for s in sentences)  # ... never in the text


def test_a_leg_going_weak_is_not_written_as_week(sentences: list[str]) -> None:
    assert any(" weak" in s for s in sentences)
    assert not any(f"{limb} week" in s for s in sentences for limb in ("leg", "arm", "legs"))
    assert any("last week" in s for s in sentences)  # the word itself is not banned


def test_slots_are_filled_and_phrases_placed_in_sentences(sentences: list[str]) -> None:
    assert not any("{" in s or "*" in s for s in sentences)
    assert any(s.startswith("i rolled my ") for s in sentences)
    assert any(s.startswith("my ") and " since my operation" in s for s in sentences)


def test_only_words_the_model_knows_are_kept(sentences: list[str]) -> None:
    kept = domain_sentences(load_lexicon(), load_carriers(), lambda word: word != "ankle")
    assert not any("ankle" in s.split() for s in kept)
    assert len(kept) == len([s for s in sentences if "ankle" not in s.split()])


def test_a_damaged_carriers_file_is_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "carriers.toml"
    carriers = CARRIERS_FILE.read_text()
    broken.write_text(carriers.replace('"it started {phrase}"', '"it started {phrasing}"'))
    with pytest.raises(UserError, match="carriers file") as error:
        load_carriers(broken)
    assert "\n" not in error.value.message
    broken.write_text("[gaps\n")
    with pytest.raises(UserError, match="Cannot read the carriers file"):
        load_carriers(broken)
