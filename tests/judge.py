"""The real Vosk model as the judge of what was played or saved, loaded afresh for each judgement.

Vosk's small model can hear the same audio a little differently after other recognitions in the
same model (measured: "bladder" once became "blogger" late in a long test session), so a check
that must not depend on which tests ran before uses a model of its own (0.3 s to load).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from assistant.asr import Transcriber
from tests.virtual_mic import samples_to_wav, wav_to_raw


def hear_wav(wav_bytes: bytes) -> str:
    """What a freshly loaded Vosk model hears in a WAV file's bytes (converted by sox)."""
    return Transcriber.load().transcribe_pcm(wav_to_raw(wav_bytes)).text


def hear_samples(samples: npt.NDArray[np.int16], sample_rate: int) -> str:
    """What a freshly loaded Vosk model hears in int16 samples at any rate."""
    return hear_wav(samples_to_wav(samples, sample_rate))
