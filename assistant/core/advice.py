"""Text to advice in one call: recognise, decide, word it (pure, never raises for any text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assistant.core.decision import Decision, decide
from assistant.core.hearing import Alternative, possible_red_flags
from assistant.core.replies import Reply, compose
from intents import LexiconIndex, load_index, recognize


@dataclass(frozen=True)
class Advice:
    """The advice for one utterance."""

    text: str
    """The text that was decided on."""
    decision: Decision
    """What to recommend and why."""
    reply: Reply
    """The words to say."""
    alternatives: tuple[str, ...] = ()
    """The recogniser's N-best hearings, best first (spoken input only)."""
    possible_red_flags: tuple[str, ...] = ()
    """Red flags heard only in a close alternative, not in ``text``: to be asked about."""

    def to_json(self, transcript: str | None = None) -> dict[str, Any]:
        """The JSON object of ``ask --json``: exactly the fields the architecture names, and
        for a recording (``transcript`` given) also the alternatives and possible red flags."""
        data: dict[str, Any] = {
            "text": self.text,
            "transcript": transcript,
            "recommendation": self.decision.recommendation,
            "urgency": self.decision.urgency,
            "concerns": list(self.decision.concerns),
            "red_flags": list(self.decision.red_flags),
            "explanation": self.reply.explanation,
            "reply": self.reply.reply,
        }
        if transcript is not None:
            data["alternatives"] = list(self.alternatives)
            data["possible_red_flags"] = list(self.possible_red_flags)
        return data


def advise(text: str, index: LexiconIndex | None = None) -> Advice:
    """Recognise ``text`` with the indexed lexicon (default: the packaged one), decide, and
    word it."""
    decision = decide(recognize(text, index or load_index()))
    return Advice(text=text, decision=decision, reply=compose(decision))


def advise_heard(
    text: str, alternatives: Sequence[Alternative], index: LexiconIndex | None = None
) -> Advice:
    """Advice on the best hearing ``text``, with the red flags only its alternatives hold."""
    index = index or load_index()
    advice = advise(text, index)
    return replace(
        advice,
        alternatives=tuple(a.text for a in alternatives),
        possible_red_flags=possible_red_flags(advice.decision.red_flags, alternatives, index),
    )


def combine(previous: str, answer: str) -> str:
    """An utterance and the answer to its clarifying question, decided on together.

    A period would mean nothing to the matcher, so "but" is used: it ends any negation
    in ``previous`` before the answer ("no injury" then "it's stress").
    """
    previous, answer = previous.strip(), answer.strip()
    if not previous:
        return answer
    if not answer:
        return previous
    return f"{previous} but {answer}"
