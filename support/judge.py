"""The real Vosk model as the judge of what was played, saved or spoken in a test.

Vosk's recognition of the same audio is repeatable once the model's random dither is off (the
installer turns it off, see assistant/adapters/model_install.py), so one model per test process
serves every judgement.
"""

from __future__ import annotations

from functools import cache

from assistant.adapters.vosk_asr import Transcriber
from support.audio import Samples, samples_to_wav, wav_to_raw


@cache
def judge() -> Transcriber:
    """The general English model (not the domain-adapted one: the judge hears the assistant's
    replies as any listener would), loaded once per process."""
    return Transcriber.load_general()


def hear_raw16k(pcm: bytes) -> str:
    """What Vosk hears in raw 16 kHz mono s16le audio."""
    return judge().transcribe_pcm(pcm).text


def hear_wav(wav_bytes: bytes) -> str:
    """What Vosk hears in a WAV file's bytes (converted to 16 kHz by sox)."""
    return hear_raw16k(wav_to_raw(wav_bytes))


def hear_samples(samples: Samples, sample_rate: int) -> str:
    """What Vosk hears in int16 samples at any rate."""
    return hear_wav(samples_to_wav(samples, sample_rate))
