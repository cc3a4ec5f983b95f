"""Back-off n-gram models: ARPA in, Kneser-Ney estimation, unigram mixing and FST text out."""

from __future__ import annotations

import math

import pytest

from assistant.adapters.ngram import (
    ARPA_ZERO,
    BOS,
    EOS,
    BackoffModel,
    GraphError,
    estimate_kneser_ney,
    fst_text,
    read_arpa,
    unigram_state,
    with_unigrams,
)

ARPA = """\\data\\
ngram 1=5
ngram 2=3

\\1-grams:
-99\t<s>\t-0.30103
-0.60206\t</s>
-0.60206\tmy\t-0.1
-0.60206\tknee
-0.60206\thurts

\\2-grams:
-0.1\t<s> my
-0.2\tmy knee
-0.3\tknee hurts

\\end\\
"""


def _total(model: BackoffModel, history: tuple[str, ...], words: list[str]) -> float:
    return sum(10 ** model.logprob(history, w) for w in words if w != BOS)


def test_arpa_is_read_with_its_back_off_weights() -> None:
    model = read_arpa(ARPA)
    assert model.order == 2
    assert model.probs[1][("my", "knee")] == -0.2
    assert model.backoffs[0][("my",)] == -0.1
    assert model.logprob(("my",), "knee") == -0.2
    assert model.logprob(("my",), "hurts") == pytest.approx(-0.1 - 0.60206)
    assert model.logprob(("knee",), "elbow") == ARPA_ZERO


def test_text_with_no_ngrams_is_refused() -> None:
    with pytest.raises(GraphError):
        read_arpa("\\data\\\n\\end\\\n")


def test_kneser_ney_distributions_sum_to_one() -> None:
    sentences = ["my knee hurts", "my knee is swollen", "my back hurts", "i hurt my back"]
    model = estimate_kneser_ney(sentences, 3)
    words = sorted({w for s in sentences for w in s.split()} | {EOS})
    for history in [(), (BOS,), ("my",), ("my", "knee")]:
        assert _total(model, history, words) == pytest.approx(1.0, abs=1e-4), history


def test_mixing_in_unigrams_opens_the_vocabulary_and_keeps_every_sum_at_one() -> None:
    model = read_arpa(ARPA)
    unigrams = {w: math.log10(0.1) for w in ["my", "knee", "hurts", "elbow", "shoulder"]}
    unigrams.update({"the": math.log10(0.4), EOS: math.log10(0.1)})
    mixed = with_unigrams(model, unigrams, 0.1)
    words = [*unigrams]
    assert mixed.logprob(("knee",), "elbow") > ARPA_ZERO  # a word only the unigrams know
    assert mixed.logprob(("my",), "knee") == pytest.approx(math.log10(0.9 * 10**-0.2 + 0.1 * 0.1))
    for history in [(), (BOS,), ("my",), ("knee",)]:
        assert _total(mixed, history, words) == pytest.approx(1.0, abs=1e-6), history


def test_fst_text_has_arpa2fst_layout_behind_a_weighted_entry() -> None:
    ids = {"my": 3, "knee": 4, "hurts": 5}
    lines = fst_text(read_arpa(ARPA), ids, entry_cost=-math.log(0.6 / 0.4))
    # States: 0 entry, 1 unigrams (), 2 <s>, 3 (knee,), 4 (my,).
    assert lines[0] == f"0\t2\t0\t0\t{-math.log(1.5):.9g}"
    assert "1\t4\t3\t3\t1.38629438" in lines  # unigram "my" goes to the (my,) history
    assert "4\t3\t4\t4\t0.460517019" in lines  # "my knee": -(-0.2) * ln 10
    assert "4\t1\t0\t0\t0.230258509" in lines  # (my,) backs off to () at -(-0.1) * ln 10
    assert "1\t1.38629438" in lines  # p(</s>) is the unigram state's final weight


def test_the_unigram_state_is_found_behind_the_start_state() -> None:
    printed = [
        "1\t0\t0\t0.5",  # start (<s>) backs off to state 0
        "1\t2\t7\t0.2",
        "0\t2\t7\t0.69314718",
        "0\t3\t8\t0.69314718",
        "0\t100",  # p(</s>) = e^-100, about zero
        "2\t0\t0\t0.1",  # a later state: reading stops before here
        "this line is never read",
    ]
    words = [None] * 7 + ["knee", "hip"]
    unigrams = unigram_state(iter(printed), words)
    assert unigrams["knee"] == pytest.approx(math.log10(0.5))
    assert set(unigrams) == {"knee", "hip", EOS}


def test_a_graph_whose_unigrams_do_not_sum_to_one_is_refused() -> None:
    printed = ["1\t0\t0\t0.5", "0\t2\t7\t3.0"]
    with pytest.raises(GraphError, match="sum to"):
        unigram_state(iter(printed), [None] * 7 + ["knee"])
