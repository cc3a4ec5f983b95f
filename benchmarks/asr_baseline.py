"""The speech figures in README.md: model load time, word error rate on real human speech
(LibriVox clips from Debian's pocketsphinx-testdata) and domain keyword recall on espeak-ng
speech (support/data/asr_sentences.tsv in the two test voices).

Run: python -m benchmarks.asr_baseline
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assistant.adapters.vosk_asr import Transcriber
from support.corpora import keyword_sentences
from support.metrics import keyword_recall, word_error_rate
from support.speech import TEST_VOICES, espeak_wav_file

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def librivox_pairs(transcriber: Transcriber) -> list[tuple[str, str]]:
    """(reference, Vosk's text) for every LibriVox clip with a transcript."""
    pairs = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        text, _, file_id = line.rpartition("(")
        reference = text.replace("<s>", "").replace("</s>", "").strip()
        heard = transcriber.transcribe_file(LIBRIVOX / f"{file_id.rstrip(')').strip()}.wav")
        pairs.append((reference, heard.text))
    return pairs


def main() -> int:
    started = time.perf_counter()
    transcriber = Transcriber.load_general()
    load_seconds = time.perf_counter() - started
    pairs = librivox_pairs(transcriber)
    words = sum(len(reference.split()) for reference, _ in pairs)
    print(f"model load time: {load_seconds:.2f} s")
    print(
        f"LibriVox word error rate: {word_error_rate(pairs):.1%} "
        f"({len(pairs)} clips, {words} words)"
    )
    with tempfile.TemporaryDirectory() as folder:
        for voice, rate in TEST_VOICES:
            heard = [
                (
                    keywords,
                    transcriber.transcribe_file(
                        espeak_wav_file(s, Path(folder) / "s.wav", voice, rate)
                    ).text,
                )
                for s, keywords in keyword_sentences()
            ]
            print(f"keyword recall, espeak-ng {voice} at {rate} wpm: {keyword_recall(heard):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
