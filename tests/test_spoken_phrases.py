"""The scripted person's lines (support/spoken_phrases.py) are heard right well clear of the
edge, by the model that hears the person in `listen` (the adapted one), so that the hands-free
tests do not pass on one machine and fail on another."""

from __future__ import annotations

import pytest

from assistant.adapters.vosk_asr import Transcriber
from assistant.app.voice import GRAMMARS
from assistant.core.advice import advise
from support.spoken_phrases import CONTROLS, DESCRIPTIONS, GAINS, NOT_SURE, SHIFTS, nudged

NUDGES = len(SHIFTS) * len(GAINS)
ALLOWED_MISSES = 1
"""Of the nudged copies, this many may be misheard. The lines were chosen heard right in 24 of 24
(finer shifts); one miss in 12 leaves room for another machine's arithmetic."""


@pytest.fixture(scope="module")
def hearing() -> Transcriber:
    return Transcriber.load()


@pytest.mark.parametrize("line", DESCRIPTIONS)
def test_a_scripted_description_is_heard_word_for_word(hearing: Transcriber, line: str) -> None:
    assert hearing.note is None, hearing.note  # the adapted model, as in `listen`
    heard = [hearing.transcribe_pcm(pcm).text for pcm in nudged(line)]
    wanted = advise(line).decision.recommendation
    misadvised = [text for text in heard if advise(text).decision.recommendation != wanted]
    assert len(misadvised) <= ALLOWED_MISSES, misadvised
    # Vosk never writes "um" and writes "i'm": for that line only the advice has to match.
    if line != NOT_SURE:
        misheard = [text for text in heard if text != line]
        assert len(misheard) <= ALLOWED_MISSES, misheard


@pytest.mark.parametrize("word", CONTROLS)
def test_a_scripted_control_is_heard_by_its_grammar(hearing: Transcriber, word: str) -> None:
    grammar = GRAMMARS["yes_no" if word == "no" else "short"]
    heard = []
    for pcm in nudged(word):
        stream = hearing.stream(grammar=grammar)
        utterances = [stream.accept(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200)]
        utterances.append(stream.flush())
        heard.append(" ".join(u.text for u in utterances if u is not None and u.text))
    assert sum(text != word for text in heard) <= ALLOWED_MISSES, heard
    assert len(heard) == NUDGES
