"""Text to concerns: a keyword intent matcher whose lexicon is data."""

from intents.load import LexiconError, load_lexicon, parse_lexicon
from intents.models import Concern, Contraindication, Lexicon, Match, RedFlag, Symptom, Term
from intents.recognize import recognize

__all__ = [
    "Concern",
    "Contraindication",
    "Lexicon",
    "LexiconError",
    "Match",
    "RedFlag",
    "Symptom",
    "Term",
    "load_lexicon",
    "parse_lexicon",
    "recognize",
]
