"""Small inline lexicons for the intents tests, in the hassil style of fixtures."""

from __future__ import annotations

import tomllib

from intents import LexiconIndex, parse_index
from intents.load import DEFAULT_LEXICON

PHRASING = tomllib.loads(DEFAULT_LEXICON.read_text(encoding="utf-8"))["phrasing"]
"""The packaged lexicon's small words around a match, which inline lexicons share."""

NEGATION = """
[negation]
window = 5
red_flag_window = 3
after_window = 3
before = ["no", "not", "never", "without", "don't", "doesn't", "didn't", "haven't", "isn't", "nor"]
after = ["went away"]
pseudo = ["not sure", "not just"]
scope_ends = ["but", "just", "only", "and", "i", "i'm", "it's", "my"]
clause_starts = ["i'm"]
list_ends = ["my"]
"""


def lexicon(body: str, negation: str = NEGATION) -> LexiconIndex:
    """An indexed lexicon from TOML text (the negation table is added unless given, and the
    packaged [phrasing] unless the text has its own)."""
    data = tomllib.loads(negation + body)
    data.setdefault("phrasing", PHRASING)
    return parse_index(data, source="inline.toml")
