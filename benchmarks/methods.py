"""Ways of hearing an utterance, compared side by side on the same clips.

A method is a small object: given 16 kHz mono 16-bit PCM it returns a :class:`Heard`, the text
advice is decided on, the transcript shown to the person (scored for word error rate) and,
optionally, alternative hearings (N-best) whose red flags the assistant would ask about.

Four slots, in the order of the report's columns:

- ``general``: the small model heard as the product hears a description (``ask --wav``,
  ``listen``): Vosk's N-best, the best hearing decided on and shown, the close alternatives
  (assistant/core/hearing.py) asked about;
- ``domain``: the runtime domain pass (benchmarks/domain_pass.py) decided on beside it;
- ``adapted``: a Vosk model folder whose language model knows the domain (``--adapted-model``),
  its best transcript alone;
- ``adapted_nbest``: the same folder heard as the product hears (N-best, close alternatives).

A slot without what it needs (no adapted model yet) is reported as not measured. Each worker
process builds its methods once (:func:`build`); a model folder is loaded once per process
however many methods use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from assistant.adapters import vosk_asr
from assistant.adapters.vosk_asr import Transcriber
from assistant.core.hearing import CLOSE_SHARE, N_BEST
from benchmarks.domain_pass import DomainPass, decision_text


@dataclass(frozen=True)
class Heard:
    """One clip as one method heard it."""

    text: str
    """What advice is decided on."""
    transcript: str
    """What the person is shown and quoted back; scored for word error rate."""
    alternatives: tuple[str, ...] = ()
    """Other hearings, best first, not decided on: a red flag in one is asked about."""


class Method(Protocol):
    """A way of hearing, loaded and ready."""

    def hear(self, pcm: bytes) -> Heard:
        """Hear one utterance of 16 kHz mono 16-bit PCM."""


@dataclass(frozen=True)
class Slot:
    """One column of the comparison."""

    key: str
    """Short name in benchmarks.json ("general", "domain" ...)."""
    title: str
    """Shown in the report."""
    about: str
    """What it is, in a line."""


SLOTS: tuple[Slot, ...] = (
    Slot(
        "general",
        "general model",
        f"the small model heard as the product hears (ask --wav, listen): its {N_BEST}-best, the "
        "best hearing decided on, close alternatives asked about",
    ),
    Slot(
        "domain",
        "runtime domain pass",
        "a second Vosk pass whose grammar is the lexicon's words, decided on beside the first "
        "(benchmarks/domain_pass.py; not in the product)",
    ),
    Slot(
        "adapted",
        "adapted language model",
        "a model folder whose language model was adapted to the domain (--adapted-model DIR), "
        "its best transcript alone",
    ),
    Slot(
        "adapted_nbest",
        "adapted + N-best",
        f"the adapted folder heard as the product hears: its {N_BEST}-best, the best hearing "
        "decided on, close alternatives asked about",
    ),
)
NEEDS_ADAPTED = ("adapted", "adapted_nbest")


@dataclass(frozen=True)
class Plan:
    """Which slots a run measures, and with what (plain data: it goes to worker processes)."""

    keys: tuple[str, ...]
    """The slots measured, in :data:`SLOTS` order."""
    adapted_model: Path | None = None
    """The adapted model folder, when there is one."""

    @classmethod
    def of(cls, adapted_model: Path | None) -> Plan:
        """Every slot that can run: the adapted ones only with a model folder."""
        keys = tuple(
            s.key for s in SLOTS if adapted_model is not None or s.key not in NEEDS_ADAPTED
        )
        return cls(keys, adapted_model)

    def slots(self) -> list[Slot]:
        """The measured slots."""
        return [s for s in SLOTS if s.key in self.keys]

    def missing(self) -> list[Slot]:
        """The slots left out, and so reported as not measured."""
        return [s for s in SLOTS if s.key not in self.keys]


@cache
def transcriber(model_dir: Path | None) -> Transcriber:
    """A model folder (None: the installed general model), loaded once per process."""
    return Transcriber.load(model_dir)


class Plain:
    """One model's best transcript, decided on as it is."""

    def __init__(self, model: Transcriber) -> None:
        self.model = model

    def hear(self, pcm: bytes) -> Heard:
        text = self.model.transcribe_pcm(pcm).text
        return Heard(text, text)


class AsTheProductHears:
    """A model heard as the product hears a description: the best of its N-best hearings
    decided on and shown, the close ones (assistant/core/hearing.py) kept as alternatives."""

    def __init__(self, model: Transcriber) -> None:
        self.model = model
        self._last: tuple[bytes, Heard] | None = None

    def hear(self, pcm: bytes) -> Heard:
        # The domain pass builds on this hearing of the same clip right after: decode it once.
        if self._last is not None and self._last[0] is pcm:
            return self._last[1]
        heard = self.model.transcribe_pcm(pcm, N_BEST)
        close = tuple(
            a.text for a in heard.alternatives if a.share >= CLOSE_SHARE and a.text != heard.text
        )
        result = Heard(heard.text, heard.text, close)
        self._last = (pcm, result)
        return result


class WithDomainPass:
    """The general transcript, and the domain pass's hearings decided on beside it."""

    def __init__(self, general: AsTheProductHears) -> None:
        self.general = general
        self.domain = DomainPass.load(general.model)

    def hear(self, pcm: bytes) -> Heard:
        shown = self.general.hear(pcm).transcript
        vosk_asr._repeatable_dither()  # the product's seeding: this pass is repeatable too
        return Heard(decision_text(shown, self.domain.transcribe_pcm(pcm)), shown)


def build(plan: Plan) -> dict[str, Method]:
    """The plan's methods, by slot key, sharing loaded models."""
    general = AsTheProductHears(transcriber(None))
    methods: dict[str, Method] = {"general": general}
    if "domain" in plan.keys:
        methods["domain"] = WithDomainPass(general)
    if plan.adapted_model is not None:
        adapted = transcriber(plan.adapted_model)
        methods["adapted"] = Plain(adapted)
        methods["adapted_nbest"] = AsTheProductHears(adapted)
    return {key: methods[key] for key in plan.keys}
