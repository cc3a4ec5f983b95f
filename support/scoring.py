"""How a matcher's decisions on a labelled corpus are scored: one way, for tests and benchmarks.

A red flag counts as caught when the advice is to see a doctor at least as urgently as the
label says (an emergency sent to an urgent doctor is a miss); a false red flag is an urgent or
emergency answer to an utterance whose label does not send the person to a doctor.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.core.decision import Decision
from intents.models import urgency_rank
from support.corpora import Labelled


@dataclass
class Score:
    """What one matcher got right on one set of labelled utterances."""

    total: int = 0
    right: int = 0
    red_flags: int = 0
    caught: int = 0
    others: int = 0
    false_red_flags: int = 0
    negations: int = 0
    negations_right: int = 0
    misses: list[str] = field(default_factory=list)
    """One line per utterance decided wrongly."""

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def red_flag_recall(self) -> float:
        return self.caught / self.red_flags if self.red_flags else 1.0

    @property
    def false_red_flag_rate(self) -> float:
        return self.false_red_flags / self.others if self.others else 0.0

    @property
    def negation_accuracy(self) -> float:
        return self.negations_right / self.negations if self.negations else 1.0

    def add(self, item: Labelled, decision: Decision) -> bool:
        """Score one decision; True when it is right (for a red flag: and urgent enough).

        Accuracy counts the recommendation alone; red-flag recall counts the urgency too.
        """
        self.total += 1
        ok = decision.recommendation in item.expected
        self.right += ok
        if item.red_flag:
            self.red_flags += 1
            escalated = decision.recommendation == "see_doctor" and urgency_rank(
                decision.urgency
            ) >= max(urgency_rank(item.urgency), 1)
            self.caught += escalated
            ok = ok and escalated
        else:
            self.others += 1
            self.false_red_flags += (
                decision.urgency is not None and "see_doctor" not in item.expected
            )
        if "negation" in item.category:
            self.negations += 1
            self.negations_right += ok
        if not ok:
            self.misses.append(
                f"{item.text!r}: {decision.recommendation} {decision.urgency} "
                f"{list(decision.red_flags)} (expected {'/'.join(item.expected)})"
            )
        return ok


def score(items: Sequence[Labelled], decide: Callable[[str], Decision]) -> Score:
    """Decide every utterance of ``items`` and score the decisions."""
    result = Score()
    for item in items:
        result.add(item, decide(item.text))
    return result
