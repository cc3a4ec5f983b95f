"""What a recogniser heard besides its best guess, and what that means for the advice.

A recogniser's N-best list holds the few word sequences it found most likely, each with its
share of the likelihood among them. The advice is decided on the best hearing; a red flag that
only a close alternative holds is not acted on as if it had been said, but it is not ignored
either: the conversation asks about it by name ("did you say …?"). An alternative can never
lower the advice: a red flag in the best hearing stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intents import LexiconIndex, recognize

N_BEST = 5
"""How many hearings of a description the recogniser is asked for."""
CLOSE_SHARE = 0.1
"""An alternative is close when it holds at least this share of the N-best likelihood."""


@dataclass(frozen=True)
class Alternative:
    """One of the recogniser's hearings of an utterance."""

    text: str
    """The words of this hearing."""
    share: float
    """Its share of the likelihood among the hearings, 0 to 1 (they sum to 1)."""


def red_flags_in(text: str, index: LexiconIndex) -> set[str]:
    """Names of the red flags said (and not negated) in ``text``."""
    return {m.name for m in recognize(text, index) if m.kind == "red_flag" and not m.negated}


def possible_red_flags(
    decided: Sequence[str], alternatives: Sequence[Alternative], index: LexiconIndex
) -> tuple[str, ...]:
    """Red flags that a close alternative holds but the decided hearing does not, in the order
    of the alternatives (most likely first)."""
    found: dict[str, None] = {}
    for alternative in alternatives:
        if alternative.share >= CLOSE_SHARE:
            for name in sorted(red_flags_in(alternative.text, index)):
                if name not in decided:
                    found.setdefault(name)
    return tuple(found)
