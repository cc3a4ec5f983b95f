"""Interim stand-in for assistant.advice.advise, used ONLY until the real module is committed.

Delete this file once assistant/advice.py exists: the dialogue tests then use the real advice.
"""

from __future__ import annotations

from dataclasses import dataclass

_KEYWORDS = (
    ("see_doctor", ("chest pain",)),
    ("physiotherapy", ("knee", "ankle", "sprain", "operation", "surgery")),
    ("massage_therapy", ("stress", "tense", "relax")),
)


@dataclass(frozen=True)
class FakeDecision:
    recommendation: str
    concerns: tuple[str, ...]
    red_flags: tuple[str, ...]


@dataclass(frozen=True)
class FakeReply:
    reply: str
    more: str


@dataclass(frozen=True)
class FakeAdvice:
    text: str
    decision: FakeDecision
    reply: FakeReply


def fake_advise(text: str) -> FakeAdvice:
    lowered = text.lower()
    for recommendation, words in _KEYWORDS:
        found = tuple(w for w in words if w in lowered)
        if found:
            flags = found if recommendation == "see_doctor" else ()
            concerns = () if flags else found
            decision = FakeDecision(recommendation, concerns, flags)
            reply = FakeReply(f"{recommendation} reply.", f"{recommendation} more.")
            return FakeAdvice(text, decision, reply)
    reply = FakeReply("unclear reply.", "unclear more.")
    return FakeAdvice(text, FakeDecision("unclear", (), ()), reply)
