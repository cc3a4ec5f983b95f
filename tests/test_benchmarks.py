"""The benchmark code on a tiny input: the audio it makes, how it scores, and one small run.

Figures are never asserted here (they come from `python -m benchmarks`); these tests check
that the measuring is right: exact SNR, fair subsets, correct scores for known answers, and a
report with every section written.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import benchmarks
from benchmarks.corpus import (
    NOISES,
    RATES,
    SPEAKERS,
    SPEAKING_RATES,
    VOICES,
    keywords,
    load_items,
    plan,
    plan_speakers,
    select,
)
from benchmarks.domain_pass import decision_text
from benchmarks.methods import NEEDS_ADAPTED, SLOTS, Heard, Plan, build
from benchmarks.resources import linear_fit
from benchmarks.spoken import Hearing, align, corpus_table, mishearings, questions_table, score
from support import audio, speech
from support.corpora import load, speakable
from support.voices import ESPEAK_VOICES, NEURAL_VOICES


def hearing(
    text: str,
    heard: str,
    domain: str = "",
    alternatives: tuple[str, ...] = (),
    voice: str = "piper joe",
) -> Hearing:
    """A clip of the development corpus as the general model, the domain pass and an N-best
    method heard it."""
    item = next(i for i in load_items() if i.text == text)
    with_domain = decision_text(heard, domain) if domain else heard
    methods = {
        "general": Heard(heard, heard),
        "domain": Heard(with_domain, heard),
        "nbest": Heard(heard, heard, alternatives),
    }
    seconds = dict.fromkeys(methods, 0.1)
    return Hearing("corpus", item, voice, 1.0, None, methods, seconds, 3.0)


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


def test_each_utterance_is_said_by_both_neural_voices_and_one_espeak_voice() -> None:
    items = speakable(load("heldout"))
    said = plan_speakers("heldout", items, SPEAKERS, SPEAKING_RATES, NOISES, seed=5)
    assert len(said) == 3 * len(items)
    neural = {v.name for v in NEURAL_VOICES}
    espeak = {v.name for v in ESPEAK_VOICES}
    for item in items:
        voices = [u.voice for u in said if u.item == item]
        assert set(voices) - espeak == neural and len(set(voices) & espeak) == 1
    counts = Counter(u.voice for u in said if u.voice in espeak)
    assert set(counts) == espeak and max(counts.values()) - min(counts.values()) <= 8
    rates = Counter((u.voice, u.rate) for u in said if u.voice in neural)
    assert all(abs(rates[(v, 1.0)] - rates[(v, 0.8)]) <= 8 for v in neural)
    assert all(u.noises == NOISES for u in said)
    assert len({u.seed for u in said}) == len(said)  # each clip's noise is its own
    assert plan_speakers("heldout", items, SPEAKERS, SPEAKING_RATES, NOISES, seed=5) == said


def test_the_adapted_slots_are_measured_only_with_a_model_folder(tmp_path: Path) -> None:
    now = Plan.of(None)
    assert now.keys == ("general", "domain")
    assert [s.key for s in now.missing()] == list(NEEDS_ADAPTED)
    later = Plan.of(tmp_path)
    assert later.keys == tuple(s.key for s in SLOTS) and later.missing() == []


@pytest.mark.slow
def test_every_slot_hears_real_speech(tmp_path: Path) -> None:
    """The adapted slots, given the general model's own folder, hear what the general does;
    the N-best ones keep only close alternatives, never the decided text."""
    from assistant.adapters.model_store import resolve_model_dir

    methods = build(Plan.of(resolve_model_dir()))
    assert list(methods) == [s.key for s in SLOTS]
    text = "i twisted my ankle playing football"
    spoken = NEURAL_VOICES[1].speak(text)
    pcm = audio.clip_audio(spoken, None, np.random.default_rng(0))
    heard = {key: m.hear(pcm) for key, m in methods.items()}
    assert heard["general"].text == heard["general"].transcript == text
    assert heard["domain"].transcript == text and heard["domain"].text.startswith(text)
    assert heard["adapted_nbest"] == heard["general"]
    assert heard["adapted"] == Heard(text, text)
    unclear = ESPEAK_VOICES[0].speak("i have a crushing pain in my chest")
    noisy = audio.clip_audio(unclear, 10.0, np.random.default_rng(0))
    guesses = methods["general"].hear(noisy)
    assert guesses.alternatives and guesses.text not in guesses.alternatives
    assert methods["adapted_nbest"].hear(noisy) == guesses
    assert methods["adapted"].hear(noisy).text == guesses.text
    assert all(m.hear(pcm) == heard[key] for key, m in methods.items())  # repeatable


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
    perfect = score([right, other], "general")
    assert perfect.decision_accuracy == 1.0
    assert perfect.red_flag_recall == 1.0 and perfect.red_flags == 1
    assert perfect.false_red_flags == 0.0
    assert perfect.wer == pytest.approx(4 / 16)  # "playing football on saturday" missing
    missed = score([wrong], "general")
    assert missed.red_flag_recall == 0.0 and missed.decision_accuracy == 0.0
    assert missed.keyword_recall == pytest.approx(1 / 3)  # chest of crushing, pain, chest
    assert missed.false_red_flags is None  # no clip without a red flag
    helped = score([rescued], "domain")
    assert helped.red_flag_recall == 1.0 and helped.keyword_recall == 1.0
    assert helped.wer == missed.wer  # the shown transcript is the general one


def test_red_flags_in_alternatives_are_asked_about_not_decided_on() -> None:
    chest = "i have a crushing pain in my chest"
    asked = hearing(chest, "i am approaching paid in my chest", alternatives=(chest,))
    ankle = "i sprained my ankle playing football on saturday"
    needless = hearing(ankle, ankle, alternatives=("i have a crushing pain in my chest",))
    scores = score([asked, needless], "nbest")
    assert scores.red_flag_recall == 0.0 and scores.asked_recall == 1.0
    assert scores.decision_accuracy == 0.5  # the sprain is still physiotherapy
    assert scores.false_red_flags == 0.0 and scores.needless_questions == 1.0
    plain = score([asked, needless], "general")
    assert plain.asked_recall == 0.0 and plain.needless_questions == 0.0


def test_tables_put_the_methods_side_by_side() -> None:
    chest = "i have a crushing pain in my chest"
    clips = [
        hearing(chest, chest, voice="hibari heart"),
        hearing(chest, "i am approaching paid in my chest", chest, (chest,), voice="espeak en-gb"),
    ]
    slots = [s for s in SLOTS if s.key in ("general", "domain")]
    grid, summary = corpus_table(clips, slots, (None,))
    assert "| clean | hibari heart | 1 | 100.0 % / 100.0 % | 100.0 % / 100.0 % (1) |" in grid
    assert "| clean | espeak en-gb | 1 | 0.0 % / 100.0 % | 0.0 % / 100.0 % (1) |" in grid
    assert summary["neural"]["clean"]["general"]["count"] == 1
    assert set(summary) == {"hibari heart", "espeak en-gb", "neural", "espeak-ng"}
    assert questions_table(clips, slots, (None,)) == ""  # no method gave alternatives
    nbest = [*slots, replace(SLOTS[0], key="nbest", title="n-best")]
    questions = questions_table(clips, nbest, (None,))
    assert "(n-best)" in questions and "| espeak-ng voices | clean | 100.0 % | - |" in questions


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


def test_bad_arguments_give_one_line_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert benchmarks.main(["--only", "speed"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown section 'speed'" in err[0]
    assert benchmarks.main(["--adapted-model", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a Vosk model folder (it has no graph/)" in err[0]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run on one utterance of each corpus: spoken, human speech, recognisers and
    resources (about a minute)."""
    pytest.importorskip("matplotlib", reason="the plots need the bench extra")
    out = tmp_path_factory.mktemp("bench")
    only = "spoken,human,recognizers,resources"
    argv = ["--quick", "--limit", "1", "--only", only, "--out", str(out)]
    assert benchmarks.main(argv) == 0
    return out


@pytest.mark.slow
def test_small_run_writes_the_report_and_plots(small_run: Path) -> None:
    text = (small_run / "benchmarks.md").read_text()
    for heading in (
        "## Targets",
        "## Spoken accuracy",
        "### Held-out set 2",
        "## Word error rate on human speech",
        "## Speech recognisers",
        "## Resources",
    ):
        assert heading in text
    assert "cores" in text and "python -m benchmarks --quick --limit 1" in text
    assert "adapted language model | a model folder" in text and "not measured" in text
    for png in ("spoken_accuracy.png", "recognizers.png", "transcribe_scaling.png"):
        data = (small_run / png).read_bytes()
        assert data.startswith(b"\x89PNG") and f"]({png})" in text


@pytest.mark.slow
def test_small_run_figures_are_consistent(small_run: Path) -> None:
    data = json.loads((small_run / "benchmarks.json").read_text())
    spoken = data["sections"]["Spoken accuracy"]
    # One utterance of each corpus, said by three voices, clean and at 10 dB.
    assert spoken["clips"] == 3 * 3 * 2
    assert spoken["methods"]["general"]["rtf"] > spoken["methods"]["domain"]["rtf"] > 0
    assert spoken["methods"]["adapted"] == {
        "title": "adapted language model",
        "measured": False,
        "rtf": None,
    }
    for corpus in ("corpus", "heldout", "heldout2"):
        scores = spoken["corpora"][corpus]["scores"]
        assert spoken["corpora"][corpus]["utterances"] == 1
        assert {"piper joe", "hibari heart", "neural", "espeak-ng"} <= set(scores)
        for condition in ("clean", "10 dB"):
            general, domain = (scores["neural"][condition][k] for k in ("general", "domain"))
            assert general["count"] == 2 and 0.0 <= general["decision_accuracy"] <= 1.0
            # The domain pass only adds words to decide on: keyword recall cannot drop.
            assert domain["keyword_recall"] >= general["keyword_recall"]
            assert domain["wer"] == general["wer"]  # it shows the general transcript
    human = data["sections"]["Word error rate on human speech"]
    assert {s: h["recordings"] for s, h in human["sets"].items()} == {"asterisk": 1, "librivox": 1}
    assert 0.0 <= human["sets"]["librivox"]["wer"]["general"] < 0.5
    vosk = data["sections"]["Speech recognisers side by side"]["recognisers"][
        "Vosk small en-us 0.15"
    ]
    assert vosk["rtf"] > 0 and vosk["peak_rss_mb"] > vosk["model_rss_mb"] > 0
    resources = data["sections"]["Resources"]
    assert [r["seconds"] for r in resources["transcribe"]] == [1, 10, 30]
    assert resources["transcribe"][-1]["words"] > resources["transcribe"][1]["words"] > 0
    assert all(0 < c["cpu_share"] < 1 for c in resources["listening"])
    assert data["machine"]["cores"] >= 1


def test_patients_are_chosen_half_with_a_red_flag_spread_over_the_corpora() -> None:
    from benchmarks.patients import choose
    from support.patients import scenarios

    chosen = choose(scenarios(), 16)
    assert len(chosen) == len(set(chosen)) == 16
    assert sum(p.red_flag for p in chosen) == 8
    assert {p.name.split(":")[0] for p in chosen} == {"heldout", "heldout2"}
    assert choose(scenarios(), 16) == chosen


def test_patients_noise_and_scenario_count_are_checked() -> None:
    from assistant.core.errors import UserError
    from benchmarks.patients import choose, parse_noise
    from support.patients import scenarios

    assert parse_noise("clean") is None and parse_noise("10") == 10.0
    with pytest.raises(UserError, match="--noise takes clean"):
        parse_noise("loud")
    with pytest.raises(UserError, match="at least 1"):
        choose(scenarios(), 0)


def test_patients_figures_on_known_conversations() -> None:
    from benchmarks.patients import figures, to_markdown
    from support.live_conversation import Conversation
    from support.patient import typed_conversation
    from support.patients import scenarios

    voice = NEURAL_VOICES[0]
    flagged = next(p for p in scenarios() if p.red_flag)
    plain = next(p for p in scenarios() if not p.red_flag)
    wrong = replace(plain, advice=("massage_therapy",) if plain.advice != ("massage_therapy",)
                    else ("physiotherapy",))  # fmt: skip
    held = [
        Conversation(s, voice.name, None, typed_conversation(s), exit_code=0)
        for s in (flagged, plain, wrong)
    ]
    result = figures(voice, None, held, 60.0)
    assert result.conversations == 3 and result.task_success == pytest.approx(2 / 3)
    assert result.red_flag_recall == 1.0 and result.wrong_uncorrected == 1
    assert result.turns_no_flag == held[1].patient.turns == held[2].patient.turns
    assert len(result.failures) == 1 and wrong.name in result.failures[0]
    text = to_markdown([result], 3)
    assert "| piper joe | clean | 3 | 66.7 % **no** | 100.0 % yes |" in text
