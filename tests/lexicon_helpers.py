"""Small inline lexicons for the intents tests, in the hassil style of fixtures."""

from __future__ import annotations

import tomllib

from intents.load import parse_lexicon
from intents.models import Lexicon

NEGATION = """
[negation]
window = 5
red_flag_window = 3
after_window = 3
before = ["no", "not", "never", "without", "don't", "doesn't", "didn't", "haven't", "isn't", "nor"]
after = ["went away"]
pseudo = ["not sure", "not just"]
scope_ends = ["but", "just", "only", "and", "i", "i'm", "it's", "my"]
"""


def lexicon(body: str, negation: str = NEGATION) -> Lexicon:
    """A compiled lexicon from TOML text (the negation table is added unless given)."""
    return parse_lexicon(tomllib.loads(negation + body), source="inline.toml")
