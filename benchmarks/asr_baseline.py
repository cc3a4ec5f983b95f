"""The speech figures in README.md and the floors of tests/test_vosk_asr.py: model load time,
word error rate on real human speech (support/human_speech.py) and, for every test voice,
domain keyword recall and word error rate on support/data/asr_sentences.tsv.

Run: python -m benchmarks.asr_baseline
"""

from __future__ import annotations

import time

import numpy as np

from assistant.adapters.vosk_asr import Transcriber
from support import audio
from support.corpora import keyword_sentences
from support.human_speech import Recording, asterisk_prompts, librivox_clips, spread
from support.metrics import keyword_recall, normalise, word_error_rate
from support.voices import ALL_VOICES, Voice

TEST_PROMPTS = 12
"""The Asterisk prompts of tests/test_human_speech.py."""
RATES = (1.0, 0.8)


def human_wer(transcriber: Transcriber, recordings: list[Recording]) -> float:
    """Word error rate of the model on the recordings."""
    return word_error_rate(
        (r.reference, transcriber.transcribe_pcm(r.samples().tobytes()).text) for r in recordings
    )


def voice_figures(transcriber: Transcriber, voice: Voice, rate: float) -> tuple[float, float]:
    """(keyword recall, word error rate) of the model on the voice saying asr_sentences.tsv,
    each sentence with the benchmark's silence around it."""
    keyword_pairs, wer_pairs = [], []
    for sentence, keywords in keyword_sentences():
        clip = audio.clip_audio(voice.speak(sentence, rate), None, np.random.default_rng(0))
        heard = transcriber.transcribe_pcm(clip).text
        keyword_pairs.append((keywords, heard))
        wer_pairs.append((normalise(sentence), heard))
    return keyword_recall(keyword_pairs), word_error_rate(wer_pairs)


def main() -> int:
    started = time.perf_counter()
    transcriber = Transcriber.load()
    print(f"model load time: {time.perf_counter() - started:.2f} s")
    clips = librivox_clips()
    words = sum(len(c.reference.split()) for c in clips)
    print(f"LibriVox WER: {human_wer(transcriber, clips):.1%} ({len(clips)} clips, {words} words)")
    prompts = spread(asterisk_prompts(min_words=3), TEST_PROMPTS)
    words = sum(len(p.reference.split()) for p in prompts)
    print(
        f"Asterisk WER: {human_wer(transcriber, prompts):.1%} "
        f"({len(prompts)} prompts of tests/test_human_speech.py, {words} words)"
    )
    print(f"asr_sentences.tsv ({len(keyword_sentences())} sentences), per voice:")
    print("voice            rate  keyword recall  WER")
    for voice in ALL_VOICES:
        for rate in RATES:
            recall, wer = voice_figures(transcriber, voice, rate)
            print(f"{voice.name:16} {rate:4.1f}  {recall:14.1%}  {wer:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
