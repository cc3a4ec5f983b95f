"""Text to concerns: a keyword intent matcher whose lexicon is data.

Imports nothing of the assistant: ``recognize(text, load_index())`` works on its own.
"""

from intents.index import LexiconIndex
from intents.load import LexiconError, load_index, load_lexicon, parse_index, parse_lexicon
from intents.models import (
    Concern,
    Contraindication,
    Lexicon,
    Match,
    RedFlag,
    Symptom,
    Term,
    urgency_rank,
)
from intents.recognize import recognize

__all__ = [
    "Concern",
    "Contraindication",
    "Lexicon",
    "LexiconError",
    "LexiconIndex",
    "Match",
    "RedFlag",
    "Symptom",
    "Term",
    "load_index",
    "load_lexicon",
    "parse_index",
    "parse_lexicon",
    "recognize",
    "urgency_rank",
]
