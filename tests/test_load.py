"""Loading the lexicon: the packaged one, and clear messages for mistakes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from intents.load import DEFAULT_LEXICON, LexiconError, load_index, load_lexicon
from intents.models import Concern, RedFlag
from intents.templates import expand
from support import REPO
from support.lexicons import lexicon

TABLE_RED_FLAGS = {
    "heart_attack",
    "stroke",
    "brain_bleed",
    "head_injury",
    "meningitis",
    "headache_neurological",
    "cauda_equina",
    "deep_vein_thrombosis",
    "fracture",
    "serious_spinal_disease",
    "post_operative_infection",
    "septic_joint",
    "neurological_balance",
}
ISSUE_CONCERNS = {
    "injury",
    "surgery",
    "diagnosed_condition",
    "chronic_pain",
    "neurological",
    "mobility",
    "stress",
    "relaxation",
    "muscle_tension",
    "headache",
    "insomnia",
    "fatigue",
    "soreness",
    "circulation",
}
MASSAGE_CAUTIONS = {
    "blood_clot",
    "pregnancy",
    "bleeding_risk",
    "fever",
    "wound_or_skin",
    "fragile_bones",
    "recent_surgery",
    "cancer",
}


def test_the_packaged_lexicon_is_loaded_once() -> None:
    assert load_index() is load_index()
    assert load_lexicon() is load_index().lexicon


def test_callers_at_once_share_one_build_of_the_packaged_lexicon() -> None:
    # A fresh interpreter, so that the packaged index is not built yet when the threads start
    # (the listening loop builds it in the background while a turn may already need it).
    code = (
        "import threading; from intents.load import load_index; seen = []; "
        "threads = [threading.Thread(target=lambda: seen.append(load_index())) "
        "for _ in range(4)]; [t.start() for t in threads]; [t.join() for t in threads]; "
        "print(len(seen), len({id(index) for index in seen}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["4", "1"]


def test_the_packaged_lexicon_covers_the_issue_and_the_red_flag_table() -> None:
    lx = load_lexicon()
    assert {c.name for c in lx.concerns} >= ISSUE_CONCERNS
    assert {r.name for r in lx.red_flags} == TABLE_RED_FLAGS
    assert {c.name for c in lx.contraindications} == MASSAGE_CAUTIONS


def test_every_term_has_a_spoken_label_where_replies_need_one() -> None:
    lx = load_lexicon()
    for term in (*lx.concerns, *lx.red_flags, *lx.contraindications):
        assert term.label, term.name


def test_signals_and_urgencies_are_what_the_decision_expects() -> None:
    lx = load_lexicon()
    physio = {c.name for c in lx.concerns if isinstance(c, Concern) and c.signal == "physiotherapy"}
    assert physio == {
        "injury",
        "surgery",
        "diagnosed_condition",
        "postnatal_pain",
        "neurological",
        "nerve_symptoms",
        "chronic_pain",
        "mobility",
    }
    emergencies = {
        r.name for r in lx.red_flags if isinstance(r, RedFlag) and r.urgency == "emergency"
    }
    assert "heart_attack" in emergencies and "fracture" not in emergencies


def test_droppable_words_are_read_as_stems_and_default_to_none() -> None:
    assert lexicon('[matching]\ndroppable = ["my", "The"]\n').lexicon.droppable == {"my", "the"}
    assert lexicon("[matching]\n").lexicon.droppable == frozenset()
    assert {"my", "the", "a"} <= load_lexicon().droppable
    assert "both" not in load_lexicon().droppable  # "both legs" is a sign of its own


def test_an_explicit_path_loads_that_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[concern]]\nname = "x"\nphrases = ["xyz"]\n')
    assert [c.name for c in load_lexicon(path).concerns] == ["x"]
    assert load_lexicon(path).source == str(path)


def test_the_default_file_is_shipped_with_the_package() -> None:
    assert DEFAULT_LEXICON.is_file() and DEFAULT_LEXICON.parent.name == "intents"


def _one_line(error: pytest.ExceptionInfo[LexiconError]) -> str:
    message = str(error.value)
    assert "\n" not in message
    assert message == error.value.message
    return message


def test_a_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(LexiconError) as error:
        load_lexicon(tmp_path / "nope.toml")
    assert "nope.toml" in _one_line(error)


def test_invalid_toml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[[concern]\nname = ")
    with pytest.raises(LexiconError) as error:
        load_lexicon(path)
    assert "not valid TOML" in _one_line(error)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("[oops]\n", "unknown section [oops]"),
        ('[[concern]]\nphrases = ["a"]\n', "has no name"),
        ('[[concern]]\nname = "a"\n', "neither phrases nor a when rule"),
        ('[[concern]]\nname = "a"\nphrases = ["a"]\ncolour = 1\n', "unknown key(s) ['colour']"),
        ('[[concern]]\nname = "a"\nphrases = ["a"]\nsignal = "yoga"\n', "signal must be one of"),
        ('[[red_flag]]\nname = "a"\nphrases = ["a"]\nurgency = "soon"\n', "urgency must be one of"),
        (
            '[[red_flag]]\nname = "a"\nurgency = "urgent"\nwhen = [{all = ["b"]}]\n',
            "unknown term 'b'",
        ),
        (
            '[[concern]]\nname = "a"\nphrases = ["a"]\n[[symptom]]\nname = "a"\nphrases = ["b"]\n',
            "used twice",
        ),
        ('[[concern]]\nname = "a"\nphrases = ["(a"]\n', "missing ')'"),
        ('[[concern]]\nname = "a"\nphrases = ["{x}"]\n', "unknown list {x}"),
        ('[[concern]]\nname = "a"\nphrases = "a"\n', "must be a list"),
        ('[[concern]]\nname = "a"\nphrases = [1]\n', "list of quoted texts"),
        ('[matching]\ngap_max = 99\n[[concern]]\nname = "a"\nphrases = ["a"]\n', "gap_max must be"),
    ],
)
def test_mistakes_are_one_line_that_names_the_entry(body: str, fragment: str) -> None:
    with pytest.raises(LexiconError) as error:
        lexicon(body)
    message = _one_line(error)
    assert fragment in message and message.startswith("inline.toml: ")


def test_every_packaged_phrase_can_be_written_out_in_full() -> None:
    # The peers benchmark (hassil) and the model adaptation write each phrase out word for
    # word, optional words included; expand() refuses one that stands for too many.
    lexicon = load_lexicon()
    for term in (
        *lexicon.concerns,
        *lexicon.red_flags,
        *lexicon.contraindications,
        *lexicon.symptoms,
    ):
        for phrase in term.phrases:
            assert expand(phrase, lexicon.lists, surface=True), (term.name, phrase)
