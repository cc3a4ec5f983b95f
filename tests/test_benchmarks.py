"""The benchmark code on a tiny input: the audio it makes, how it scores, and one small run.

Figures are never asserted here (they come from `python -m benchmarks`); these tests check
that the measuring is right: exact SNR, fair subsets, correct scores for known answers, and a
report with every section written.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import benchmarks
from benchmarks.corpus import (
    NOISES,
    RATES,
    VOICES,
    keywords,
    load_items,
    plan,
    select,
)
from benchmarks.resources import linear_fit
from benchmarks.spoken import Hearing, align, biased_text, general_text, mishearings, score
from support import audio, speech
from support.corpora import speakable


def hearing(text: str, heard: str, domain: str = "", snr: float | None = None) -> Hearing:
    item = next(i for i in load_items() if i.text == text)
    return Hearing(item, "en-us", 140, snr, heard, (domain,) if domain else (), 3.0, 0.6, 0.1)


def test_noise_is_mixed_at_the_exact_snr() -> None:
    spoken = speech.espeak_samples("my back hurts", "en-gb", 175)
    clean = audio.clip_audio(spoken, None, np.random.default_rng(1))
    pad = len(audio.silent_samples(audio.PAD_SECONDS)) * 2
    assert len(clean) == len(spoken) * 2 + 2 * pad
    for snr in (20.0, 10.0):
        noisy = audio.clip_audio(spoken, snr, np.random.default_rng(1))
        assert audio.measured_snr(clean, noisy) == pytest.approx(snr, abs=0.1)


def test_pink_noise_has_more_power_at_low_frequencies() -> None:
    noise = audio.pink_noise(16000, np.random.default_rng(3))
    power = np.abs(np.fft.rfft(noise)) ** 2
    assert np.mean(noise**2) == pytest.approx(1.0)
    assert power[10:100].mean() > 10 * power[4000:8000].mean()


def test_subset_keeps_every_red_flag_and_each_category_share() -> None:
    items = speakable(load_items())
    assert not any("asr_slip" in (i.category, i.case) for i in items)
    chosen = select(items, 60, None, seed=5)
    flagged = [i for i in items if i.red_flag]
    assert {i.index for i in flagged} <= {i.index for i in chosen}
    others = Counter(i.category for i in chosen if not i.red_flag)
    assert sum(others.values()) == 60
    everyone = Counter(i.category for i in items if not i.red_flag)
    for category, count in everyone.items():
        assert abs(others[category] - 60 * count / sum(everyone.values())) <= 1
    assert select(items, 60, None, seed=5) == chosen  # fixed seed, same subset


def test_plan_rotates_voices_and_rates_and_hears_every_noise() -> None:
    chosen = select(speakable(load_items()), 60, None, seed=5)
    tasks = plan(chosen, VOICES, RATES, NOISES, seed=5)
    assert [t.item for t in tasks] == chosen
    combos = Counter((t.voice, t.rate) for t in tasks)
    assert len(combos) == len(VOICES) * len(RATES)
    assert max(combos.values()) - min(combos.values()) <= len(combos)
    assert all(t.noises == NOISES for t in tasks)


def test_keywords_are_the_domain_words() -> None:
    assert keywords("i twisted my knee and it's been swollen since") == [
        "twisted",
        "knee",
        "swollen",
    ]
    assert keywords("can you order me a pizza") == []


def test_scores_of_known_answers() -> None:
    right = hearing("i have a crushing pain in my chest", "i have a crushing pain in my chest")
    wrong = hearing("i have a crushing pain in my chest", "i am approaching paid in my chest")
    rescued = hearing(
        "i have a crushing pain in my chest", "i am approaching paid in my chest", "crushing pain"
    )
    other = hearing("i sprained my ankle playing football on saturday", "i sprained my ankle")
    perfect = score([right, other], general_text)
    assert perfect.decision_accuracy == 1.0
    assert perfect.red_flag_recall == 1.0 and perfect.red_flags == 1
    assert perfect.false_alarms == 0.0
    assert perfect.wer == pytest.approx(4 / 16)  # "playing football on saturday" missing
    missed = score([wrong], general_text)
    assert missed.red_flag_recall == 0.0 and missed.decision_accuracy == 0.0
    assert missed.keyword_recall == pytest.approx(1 / 3)  # chest of crushing, pain, chest
    helped = score([rescued], biased_text)
    assert helped.red_flag_recall == 1.0 and helped.keyword_recall == 1.0
    assert helped.wer == missed.wer  # the shown transcript is the general one


def test_alignment_and_mishearings() -> None:
    pairs = align(["my", "knee", "hurts"], ["my", "the", "hurts", "a", "lot"])
    assert pairs[:3] == [("my", "my"), ("knee", "the"), ("hurts", "hurts")]
    assert [p for p in pairs if p[0] is None] == [(None, "a"), (None, "lot")]
    misheard = mishearings([hearing("i've got a knot under my shoulder blade", "i've got a not")])
    assert misheard[("knot", "not")] == 1
    assert misheard[("shoulder", "(nothing)")] == 1


def test_linear_fit_of_transcribe_growth() -> None:
    rows = [{"seconds": s, "wall": 0.5 + 0.1 * s, "rss_mb": 200.0} for s in (1, 10, 60)]
    fit = linear_fit(rows)
    assert fit["startup"] == pytest.approx(0.5)
    assert fit["per_audio_second"] == pytest.approx(0.1)
    assert fit["r2"] == pytest.approx(1.0)
    assert fit["rss_spread_mb"] == 0.0
    assert fit["rss_late_mb_per_minute"] == 0.0


def test_bad_arguments_give_one_line_and_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert benchmarks.main(["--only", "speed"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown section 'speed'" in err[0]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run on 3 utterances: spoken, recognisers and resources (about 40 s)."""
    pytest.importorskip("matplotlib", reason="the plots need the bench extra")
    out = tmp_path_factory.mktemp("bench")
    argv = ["--quick", "--limit", "3", "--only", "spoken,recognizers,resources", "--out", str(out)]
    assert benchmarks.main(argv) == 0
    return out


@pytest.mark.slow
def test_small_run_writes_the_report_and_plots(small_run: Path) -> None:
    text = (small_run / "benchmarks.md").read_text()
    for heading in ("## Targets", "## Spoken accuracy", "## Speech recognisers", "## Resources"):
        assert heading in text
    assert "cores" in text and "python -m benchmarks --quick --limit 3" in text
    for png in ("spoken_accuracy.png", "recognizers.png", "transcribe_scaling.png"):
        data = (small_run / png).read_bytes()
        assert data.startswith(b"\x89PNG") and f"]({png})" in text


@pytest.mark.slow
def test_small_run_figures_are_consistent(small_run: Path) -> None:
    data = json.loads((small_run / "benchmarks.json").read_text())
    spoken = data["sections"]["Spoken accuracy"]
    assert spoken["utterances"] == 3 and spoken["clips"] == 6  # clean and 10 dB each
    for condition in ("clean", "10 dB"):
        for side in ("before", "after"):
            scores = spoken["conditions"][condition][side]
            assert 0.0 <= scores["decision_accuracy"] <= 1.0
            assert 0.0 <= scores["keyword_recall"] <= 1.0
        # The domain pass only adds words to decide on: keyword recall cannot drop.
        after = spoken["conditions"][condition]["after"]["keyword_recall"]
        assert after >= spoken["conditions"][condition]["before"]["keyword_recall"]
    vosk = data["sections"]["Speech recognisers side by side"]["recognisers"][
        "Vosk small en-us 0.15"
    ]
    assert vosk["rtf"] > 0 and vosk["peak_rss_mb"] > vosk["model_rss_mb"] > 0
    resources = data["sections"]["Resources"]
    assert [r["seconds"] for r in resources["transcribe"]] == [1, 10, 30]
    assert resources["transcribe"][-1]["words"] > resources["transcribe"][1]["words"] > 0
    assert all(0 < c["cpu_share"] < 1 for c in resources["listening"])
    assert data["machine"]["cores"] >= 1
