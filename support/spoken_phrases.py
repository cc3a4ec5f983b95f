"""What the scripted person says in the hands-free tests, in one place, with a check that each
line is heard well clear of the edge.

A conversation scripted on the virtual microphone hangs or goes astray when one line is
misheard, and whether a line is heard right can depend on the machine: the same espeak-ng audio
went through the same model as "i feel very stressed" here and "i feel married trashed" on
another machine, and after the dev11 lexicon round the adapted model heard "i feel stressed" as
"i feel trashed" in every nudged copy (after the dev12 round, "my shoulders are tense" as "my
shoulder are tense" in two of three; after the dev13 round, "my shoulders are tight" as "my
shoulder are tight" in 21 of 24 and "my chest hurts" as "my chest hurt" in 13 of 24, the
advice the same). Such a line is near the edge: moved by a fraction of a
frame or made a little louder or quieter, it is often misheard here too. So the lines the tests
speak are chosen among those heard right under every such small change (``nudged``), and
tests/test_spoken_phrases.py keeps them so.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from support.audio import RATE
from support.speech import espeak_to_raw16k

VOICE = "en-us+f1"
"""The scripted person's espeak-ng voice (the test voice Vosk hears best, support/speech.py)."""

INJURY = "i injured my knee"
"""A description that gets physiotherapy."""
STRESS = "my neck feels tight"
"""A description that gets massage therapy."""
CHEST_PAIN = "i have chest pain"
"""A description with a red flag."""
NOT_SURE = "um i am not sure"
"""An answer that is no description (unclear)."""

DESCRIPTIONS = (INJURY, STRESS, CHEST_PAIN, NOT_SURE)
CONTROLS = ("no", "goodbye", "repeat", "slower", "tell me more", "stop")
"""The controls and answers the scripted person says (heard by a grammar recogniser)."""

SHIFTS = tuple(range(0, 1600, 400))
"""Samples of extra lead-in: fractions of the microphone's 100 ms frame."""
GAINS = (0.7, 1.0, 1.3)
"""Loudness factors."""


def says(text: str) -> bytes:
    """The scripted person saying ``text``: raw 16 kHz s16le."""
    return espeak_to_raw16k(text, VOICE)


def nudged(text: str) -> Iterator[bytes]:
    """The line said with each small shift and gain, between a second of silence either side."""
    spoken = np.frombuffer(says(text), dtype="<i2").astype(np.float32)
    for shift in SHIFTS:
        for gain in GAINS:
            padded = np.concatenate(
                [np.zeros(RATE + shift, np.float32), spoken * gain, np.zeros(RATE, np.float32)]
            )
            yield np.clip(padded, -32768, 32767).astype("<i2").tobytes()
