"""Simulated-patient scenarios: who the patient is, what they say, and the advice they need.

Built from the held-out corpora (evaluation only: nothing in the product is ever changed
because of one of them): each red-flag item is a patient who has that flag and needs a doctor
at its urgency; each item labelled physiotherapy, massage therapy or both is a patient with no
flag who needs that advice. ``support/data/patients.jsonl`` adds what the corpora do not hold:
the flags by name (intents/lexicon.toml), the answer to a clarifying question, and the kind of
problem picked from the choice offered after two misunderstandings. Items that are neither
(off-topic, pain only, the massage cautions) and the "asr_slip" lines are not patients.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from assistant.core.dialogue import CHOICES
from assistant.core.errors import UserError
from intents import load_lexicon
from intents.models import Urgency
from support import DATA
from support.corpora import Labelled, load, speakable

SCENARIO_FILE = DATA / "patients.jsonl"
CORPORA = ("heldout", "heldout2")
"""The corpora the patients come from."""
THERAPIES = frozenset({"physiotherapy", "massage_therapy", "both"})


@dataclass(frozen=True)
class Scenario:
    """One simulated patient."""

    name: str
    """Stable id: the corpus and the line ("heldout:44")."""
    description: str
    """What the patient says first."""
    flags: tuple[str, ...]
    """The red flags the patient truly has (red-flag names of intents/lexicon.toml)."""
    advice: tuple[str, ...]
    """Recommendations that are right for this patient."""
    urgency: Urgency | None
    """For a patient with a red flag: how soon they need a doctor."""
    clarifying: str
    """What the patient says when asked to tell more."""
    kind: str
    """The kind of problem it picks from the choice (a phrase of dialogue.toml's options)."""
    category: str
    """The corpus's category (injury, stress, red_flag ...)."""

    @property
    def red_flag(self) -> bool:
        """Whether the patient has a red flag."""
        return bool(self.flags)


CALF_AFTER_OPERATION = Scenario(
    name="example:calf",
    description="my calf is hot and swollen after my operation",
    flags=("deep_vein_thrombosis",),
    advice=("see_doctor",),
    urgency="urgent",
    clarifying="i had an operation on my knee",
    kind="an operation",
    category="red_flag",
)
"""A hand-written patient with a red flag, for the tests of the patient and the live loop."""
BACK_FROM_LIFTING = Scenario(
    name="example:back",
    description="my lower back hurts from lifting boxes",
    flags=(),
    advice=("physiotherapy",),
    urgency=None,
    clarifying="i hurt it lifting boxes at work",
    kind="an injury",
    category="injury",
)
"""A hand-written patient without one, the same tests' other case."""


@cache
def scenarios() -> tuple[Scenario, ...]:
    """Every patient, in corpus order; a UserError when the data file and corpora disagree."""
    extra = _extra()
    chosen: list[Scenario] = []
    for corpus in CORPORA:
        for item in speakable(load(corpus)):
            if not (item.red_flag or THERAPIES & set(item.expected)):
                continue
            details = extra.pop((corpus, item.text), None)
            if details is None:
                raise UserError(f"{SCENARIO_FILE.name} has no line for {corpus}: {item.text!r}")
            chosen.append(_scenario(corpus, item, details))
    if extra:
        corpus, text = next(iter(extra))
        raise UserError(f"{SCENARIO_FILE.name}: {text!r} is not a patient item of {corpus}")
    return tuple(chosen)


def _extra() -> dict[tuple[str, str], dict[str, object]]:
    rows: dict[tuple[str, str], dict[str, object]] = {}
    for number, line in enumerate(SCENARIO_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            rows[(row["corpus"], row["text"])] = row | {"line": number}
    return rows


def _scenario(corpus: str, item: Labelled, details: dict[str, object]) -> Scenario:
    where = f"{SCENARIO_FILE.name} line {details['line']}"
    flags = tuple(str(flag) for flag in details.get("flags", []))  # type: ignore[attr-defined]
    known = {flag.name for flag in load_lexicon().red_flags}
    unknown = [flag for flag in flags if flag not in known]
    if unknown:
        raise UserError(f"{where}: {unknown[0]!r} is not a red flag of intents/lexicon.toml")
    if bool(flags) != item.red_flag:
        raise UserError(f"{where}: flags must be given exactly for the red-flag items")
    kind = str(details["kind"])
    if kind not in {words[0] for words, _ in CHOICES}:
        raise UserError(f"{where}: kind {kind!r} is not one of dialogue.toml's choices")
    return Scenario(
        name=f"{corpus}:{item.index}",
        description=item.text,
        flags=flags,
        advice=("see_doctor",) if flags else item.expected,
        urgency=item.urgency,
        clarifying=str(details["clarifying"]),
        kind=kind,
        category=item.category,
    )
