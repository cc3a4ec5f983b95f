"""Matches to a recommendation, by a few fixed rules (pure, no I/O).

The rules, in order (facts from the source article and the red-flag table in shared/domain):

1. A red flag that was not negated always wins: see a doctor, with the highest urgency heard
   ("emergency": call emergency services now; "urgent": see a doctor today).
2. Physiotherapy signals (injury, operation, diagnosed or neurological condition, long-lasting
   pain, loss of function) against massage signals (stress, relaxation, muscle tension without a
   medical cause, headaches, poor sleep, tiredness, soreness, circulation):
   - both kinds: "both" (physiotherapy for the condition, massage as a complement). Local
     tightness and soreness said together with an injury or condition are taken as part of that
     problem (the article's case for massage is tension *without* an underlying condition), so
     they alone do not add massage; said of another body part than the injury or condition
     ("chronic knee pain, and my shoulders are knotted from work") they are tension of their
     own and do;
   - only physiotherapy signals: "physiotherapy";
   - only massage signals: "massage_therapy".
3. A massage caution (pregnancy, blood thinners, fever or infection, wounds, fragile bones, a
   recent operation, cancer) removes massage from the advice:
   - with a massage asked for by name ("can i get a deep tissue massage") the advice is
     "see_doctor" without urgency, whatever else was heard: massage is what they asked about,
     and it should not be booked blindly; a doctor can say whether it is safe (the reply still
     names physiotherapy for a physiotherapy problem heard with it);
   - else, with a physiotherapy signal the advice stays "physiotherapy" and the reply says to
     ask a clinician before any massage;
   - with only massage signals the advice is "see_doctor" without urgency, as above.
4. Nothing that points anywhere gives "unclear", with what is missing recorded in ``reason`` so
   the reply can ask for it (pain without a cause, only negated concerns, nothing relevant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from intents.models import Match, Urgency, urgency_rank

Recommendation = Literal["physiotherapy", "massage_therapy", "both", "see_doctor", "unclear"]
Reason = Literal[
    "red_flag",
    "physiotherapy",
    "massage",
    "both",
    "massage_held_back",
    "ask_clinician_first",
    "pain_without_cause",
    "caution_only",
    "only_negated",
    "nothing",
]

RECOMMENDATIONS: tuple[Recommendation, ...] = (
    "physiotherapy",
    "massage_therapy",
    "both",
    "see_doctor",
    "unclear",
)


@dataclass(frozen=True)
class Decision:
    """What to recommend, how urgently, and the matches that led there."""

    recommendation: Recommendation
    """One of physiotherapy, massage_therapy, both, see_doctor, unclear."""
    urgency: Urgency | None
    """"emergency" or "urgent" for red flags, else None."""
    concerns: tuple[str, ...]
    """Names of the concerns heard and not negated, in the order said."""
    red_flags: tuple[str, ...]
    """Names of the red flags heard, most urgent first."""
    contraindications: tuple[str, ...]
    """Names of the massage cautions heard."""
    matches: tuple[Match, ...]
    """The non-negated matches that drove the decision, most important first."""
    reason: Reason
    """Which rule decided, so the reply can explain it or ask for what is missing."""
    negated: tuple[Match, ...] = ()
    """Concerns and flags the person said they do not have."""
    heard: tuple[str, ...] = ()
    """Names of every term heard and not negated, of every family (symptoms too)."""
    denied: tuple[str, ...] = ()
    """Names of every term the person said they do not have, of every family."""


def _names(matches: Sequence[Match]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.name for m in matches))


def _first_each(matches: Sequence[Match]) -> list[Match]:
    """One match per name: the first said."""
    seen: dict[str, Match] = {}
    for m in matches:
        seen.setdefault(m.name, m)
    return list(seen.values())


def decide(matches: Sequence[Match]) -> Decision:
    """Apply the rules in this module's docstring to what was recognised."""
    ordered = sorted(matches, key=lambda m: (m.start, m.end))
    active = [m for m in ordered if not m.negated]
    negated = tuple(m for m in ordered if m.negated and m.kind in ("concern", "red_flag"))
    concerns = [m for m in active if m.kind == "concern"]
    contra = _first_each([m for m in active if m.kind == "contraindication"])
    ctx = _Context(
        _names(concerns),
        _names(contra),
        negated,
        _names(active),
        _names([m for m in ordered if m.negated]),
    )

    flags = [m for m in active if m.kind == "red_flag"]
    if flags:
        # Most urgent first; among equals, the first said. A name keeps its highest urgency.
        flags.sort(key=lambda m: (-urgency_rank(m.urgency), m.start))
        top = _first_each(flags)
        return ctx.decision("see_doctor", top, "red_flag", urgency=top[0].urgency)

    physio_all = [m for m in concerns if m.signal == "physiotherapy"]
    physio = _first_each(physio_all)
    massage_all = [m for m in concerns if m.signal == "massage"]
    massage = _first_each(massage_all)
    asked_for = [m for m in massage if m.requests_massage]
    if contra and asked_for:
        return ctx.decision("see_doctor", [*contra, *asked_for, *physio], "ask_clinician_first")
    if physio:
        sites = {m.site for m in physio_all if m.site}
        extra = _first_each([m for m in massage_all if _apart(m, sites)])
        if extra and not contra:
            return ctx.decision("both", [*physio, *extra], "both")
        reason: Reason = "massage_held_back" if extra else "physiotherapy"
        return ctx.decision("physiotherapy", [*physio, *contra], reason)
    if massage:
        if contra:
            return ctx.decision("see_doctor", [*contra, *massage], "ask_clinician_first")
        return ctx.decision("massage_therapy", massage, "massage")

    pain = _first_each([m for m in concerns if m.signal == "neutral"])
    if pain:
        return ctx.decision("unclear", [*pain, *contra], "pain_without_cause")
    if contra:
        return ctx.decision("unclear", contra, "caution_only")
    return ctx.decision("unclear", [], "only_negated" if negated else "nothing")


def _apart(massage: Match, condition_sites: set[str]) -> bool:
    """Whether a massage concern stands apart from the physiotherapy problem heard with it:
    always, unless it is local tension or soreness, which is apart only when said of a body
    part other than every one the problem was said of."""
    if not massage.part_of_condition:
        return True
    return bool(massage.site and condition_sites and massage.site not in condition_sites)


@dataclass(frozen=True)
class _Context:
    """What every decision for one utterance reports, whatever the rule."""

    concerns: tuple[str, ...]
    contraindications: tuple[str, ...]
    negated: tuple[Match, ...]
    heard: tuple[str, ...]
    denied: tuple[str, ...]

    def decision(
        self,
        recommendation: Recommendation,
        matches: Sequence[Match],
        reason: Reason,
        urgency: Urgency | None = None,
    ) -> Decision:
        flags = _names(matches) if reason == "red_flag" else ()
        return Decision(
            recommendation=recommendation,
            urgency=urgency,
            concerns=self.concerns,
            red_flags=flags,
            contraindications=self.contraindications,
            matches=tuple(matches),
            reason=reason,
            negated=self.negated,
            heard=self.heard,
            denied=self.denied,
        )
