"""The domain pass: its vocabulary, the text decided on, real speech heard by both passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.adapters.vosk_asr import BYTES_PER_SECOND, Transcriber
from assistant.adapters.wavio import read_16k_mono
from assistant.core.advice import advise
from benchmarks.domain_pass import (
    COMMON_WORDS,
    BiasedStream,
    DomainPass,
    decision_text,
    domain_vocabulary,
    inflections,
    lexicon_words,
    model_knows,
)
from intents.load import load_lexicon
from support.speech import espeak_wav_file

FRAME = BYTES_PER_SECOND // 10  # 100 ms, as the microphone loop delivers
PAD = b"\0" * (BYTES_PER_SECOND // 2)

# Sentences whose domain words the general model often turns into common ones.
SENTENCES = (
    ("i have numbness in my bottom and back pain", ("numbness", "bottom", "back", "pain")),
    ("i have a headache a fever and a stiff neck", ("headache", "fever", "stiff", "neck")),
    ("my face is drooping on one side", ("face", "drooping", "side")),
    ("i banged my head and i've been throwing up", ("banged", "head", "throwing")),
    ("my shoulders are tight and i feel stressed", ("shoulders", "tight", "stressed")),
    ("i've got a knot under my shoulder blade", ("knot", "shoulder", "blade")),
)
# Measured on 2026-11-30 with en-us+f1 at 140 wpm: the general model alone hears 11 of these
# 20 words, both passes together 14.
GAIN_FLOOR = 2


@pytest.fixture(scope="module")
def domain(transcriber: Transcriber) -> DomainPass:
    return DomainPass.load(transcriber)


def speech_pcm(text: str, folder: Path) -> bytes:
    wav = espeak_wav_file(text, folder / "speech.wav", "en-us+f1", 140)
    return PAD + b"".join(read_16k_mono(wav)) + PAD


def test_vocabulary_has_the_lexicon_words_their_forms_and_common_words(domain: DomainPass) -> None:
    vocabulary = set(domain.vocabulary)
    assert {"numbness", "drooping", "sprained", "ankle", "chest", "fever"} <= vocabulary
    assert {"i", "my", "and", "don't"} <= vocabulary
    assert len(vocabulary) < 5000  # a small grammar, not the model's whole dictionary


def test_every_vocabulary_word_is_known_to_the_model(
    domain: DomainPass, transcriber: Transcriber
) -> None:
    knows = model_knows(transcriber)
    assert all(knows(word) for word in domain.vocabulary)
    assert not knows("rivaroxabanx")


def test_words_the_model_lacks_are_left_out() -> None:
    lexicon = load_lexicon()
    everything = domain_vocabulary(lexicon, lambda word: True)
    without_knee = domain_vocabulary(lexicon, lambda word: not word.startswith("knee"))
    assert "knee" in everything
    assert not any(word.startswith("knee") for word in without_knee)


def test_only_inflections_the_matcher_folds_back_are_added() -> None:
    vocabulary = set(domain_vocabulary(load_lexicon(), lambda word: True))
    assert {"sprain", "sprains", "sprained", "spraining"} <= vocabulary
    assert "tore" in vocabulary and "broken" in vocabulary  # irregular forms
    assert "sprainer" not in vocabulary
    assert inflections("ache") >= {"aches", "ached", "aching"}


def test_lexicon_words_come_without_template_syntax() -> None:
    found = lexicon_words(load_lexicon())
    assert "chest" in found
    assert not any(set(word) & set("()[]{}|*") for word in found)
    assert set(COMMON_WORDS) - found  # the common words add something


def test_decision_text_joins_both_hearings_so_either_can_raise_a_concern() -> None:
    assert decision_text("i am a fan", "i've a fever") == "i am a fan but i've a fever"
    assert decision_text("", "chest pain") == "chest pain"
    assert decision_text("knee pain ", "  ") == "knee pain"
    assert decision_text("", "") == ""
    # "but" ends a negation in the general hearing before the domain hearing starts.
    joined = advise(decision_text("my face is not", "face drooping one side")).decision
    assert joined.red_flags


def test_decision_text_takes_every_hearing_once() -> None:
    hearings = ("my chest thirds", "my chest hurts", "my chest thirds")
    assert (
        decision_text("oh my just", hearings) == "oh my just but my chest thirds but my chest hurts"
    )
    assert decision_text("same words", ("same words",)) == "same words"


def test_domain_pass_gives_a_few_distinct_hearings_best_first(
    domain: DomainPass, tmp_path: Path
) -> None:
    hearings = domain.transcribe_pcm(speech_pcm("my chest hurts really badly", tmp_path))
    assert 1 <= len(hearings) <= domain.alternatives
    assert len(set(hearings)) == len(hearings)
    vocabulary = set(domain.vocabulary)
    assert all(set(h.split()) <= vocabulary for h in hearings)  # no "[unk]", nothing else
    assert "chest" in hearings[0].split()


def test_domain_pass_of_silence_hears_nothing(domain: DomainPass) -> None:
    assert domain.transcribe_pcm(b"\0" * BYTES_PER_SECOND * 2) == ()


def test_domain_pass_recovers_domain_words_the_general_model_misses(
    transcriber: Transcriber, domain: DomainPass, tmp_path: Path
) -> None:
    general_found = both_found = total = 0
    for text, keywords in SENTENCES:
        pcm = speech_pcm(text, tmp_path)
        general = set(transcriber.transcribe_pcm(pcm).text.split())
        both = general | set(" ".join(domain.transcribe_pcm(pcm)).split())
        general_found += sum(k in general for k in keywords)
        both_found += sum(k in both for k in keywords)
        total += len(keywords)
    assert both_found >= general_found + GAIN_FLOOR, (general_found, both_found, total)


def test_a_stroke_sign_missed_by_the_general_model_is_flagged_with_the_domain_pass(
    transcriber: Transcriber, domain: DomainPass, tmp_path: Path
) -> None:
    pcm = speech_pcm("my face is drooping on one side", tmp_path)
    general = transcriber.transcribe_pcm(pcm).text
    heard = domain.transcribe_pcm(pcm)
    assert "drooping" not in general.split()  # the mishearing this pass exists for
    decision = advise(decision_text(general, heard)).decision
    assert decision.recommendation == "see_doctor"
    assert decision.urgency == "emergency"


def test_hear_file_reads_once_and_gives_both_hearings(
    transcriber: Transcriber, domain: DomainPass, tmp_path: Path
) -> None:
    wav = espeak_wav_file("my face is drooping on one side", tmp_path / "face.wav", "en-us+f1", 140)
    heard = domain.hear_file(wav)
    # Vosk is not bit-exact from one decoding to the next (confidences, a doubtful word), so
    # the hearings are checked for what they must hold, not against a second decoding.
    assert {"face", "side"} <= set(heard.utterance.text.split())
    assert {w.word for w in heard.utterance.words} == set(heard.utterance.text.split())
    assert "drooping" in " ".join(heard.domain).split()
    assert heard.text == decision_text(heard.utterance.text, heard.domain)


def test_biased_stream_hears_an_utterance_with_both_passes(
    transcriber: Transcriber, domain: DomainPass, tmp_path: Path
) -> None:
    pcm = b"\0" * (3 * BYTES_PER_SECOND) + speech_pcm("my face is drooping on one side", tmp_path)
    pcm += b"\0" * (2 * BYTES_PER_SECOND)
    stream = BiasedStream(transcriber.stream(), domain.stream())
    heard = []
    for start in range(0, len(pcm), FRAME):
        frame = pcm[start : start + FRAME]
        if (result := stream.accept(frame)) is not None:
            heard.append(result)
        if start < 2 * BYTES_PER_SECOND:
            assert not stream.active  # idle: the domain pass costs nothing in silence
    assert len(heard) == 1
    assert {"face", "side"} <= set(heard[0].utterance.text.split())
    assert "drooping" in " ".join(heard[0].domain).split()
    assert heard[0].text == decision_text(heard[0].utterance.text, heard[0].domain)
    assert not stream.active  # idle again after the utterance


def test_biased_stream_flush_and_reset(
    transcriber: Transcriber, domain: DomainPass, tmp_path: Path
) -> None:
    pcm = speech_pcm("i sprained my ankle", tmp_path)
    stream = BiasedStream(transcriber.stream(end_silence=5.0), domain.stream())
    for start in range(0, len(pcm), FRAME):
        assert stream.accept(pcm[start : start + FRAME]) is None
    heard = stream.flush()
    assert heard is not None
    assert "ankle" in heard.text.split()
    assert stream.flush() is None
    for start in range(0, len(pcm), FRAME):
        stream.accept(pcm[start : start + FRAME])
    stream.reset()
    assert stream.flush() is None
