"""Text to tokens: the same normalisation for what people say and for the lexicon.

Vosk writes lower case words without punctuation ("i've sprained my ankle"), people type
anything. Both go through :func:`tokenize`, so a lexicon phrase and a heard phrase meet as
the same sequence of *stems*: case, accents, apostrophes, plurals and regular inflections
("sprained", "spraining", "sprains") are folded away here, not listed in the lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Letters and digits of any script, with inner apostrophes kept together ("don't", "parkinson's").
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Punctuation that ends a sentence: typed text has it, Vosk never writes it.
_SENTENCE_END = re.compile(r"[.!?;]")
# A dropped g written with an apostrophe ("feelin'", "achin'"): the word it stands for.
_DROPPED_G = re.compile(r"\b([^\W\d_]{2,}in)'(?![^\W_])")
# "an'" is "and" (Scots, Irish and much else); without this it would read as "an".
_AN_AND = re.compile(r"\ban'(?![^\W_])")
# Apostrophe look-alikes people's keyboards produce.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})

# Forms a suffix rule cannot reach. Mapped to a base form that is then stemmed like any word.
IRREGULAR: dict[str, str] = {
    "broke": "break",
    "broken": "break",
    "tore": "tear",
    "torn": "tear",
    "fell": "fall",
    "fallen": "fall",
    "slept": "sleep",
    "felt": "feel",
    "lost": "lose",
    "swollen": "swell",
    "feet": "foot",
    "teeth": "tooth",
    "calves": "calf",
    "halves": "half",
    "had": "have",
    "has": "have",
    "got": "get",
    "gotten": "get",
    "woke": "wake",
    "woken": "wake",
    "went": "go",
    "goes": "go",
    "gone": "go",
    "ran": "run",
    "threw": "throw",
    "thrown": "throw",
    "caught": "catch",
    "struck": "strike",
    "bled": "bleed",
    "came": "come",
    "sprang": "spring",
    "sprung": "spring",
    "knelt": "kneel",
    "bent": "bend",
    "cannot": "cant",
    # Agreement slips, common in English learnt later ("she don't feel her feet", "he have
    # pain"): the third-person forms meet the others, as "has" and "had" meet "have".
    "does": "do",
    "doesnt": "dont",
    "hasnt": "havent",
    "burnt": "burn",
    "children": "child",
    "did": "do",
    "done": "do",
    "women": "woman",
    "men": "man",
    "lay": "lie",
    "lain": "lie",
    # Scots negatives ("i cannae stand on it", "my arm wouldnae work") meet the English ones,
    # so every phrase and every negation written with "can't" or "didn't" hears them too.
    "cannae": "cant",
    "canna": "cant",
    "couldnae": "couldnt",
    "wouldnae": "wouldnt",
    "shouldnae": "shouldnt",
    "willnae": "wont",
    "winnae": "wont",
    "didnae": "didnt",
    "dinnae": "dont",
    "doesnae": "dont",
    "disnae": "dont",
    "isnae": "isnt",
    "wasnae": "wasnt",
    "hasnae": "havent",
    "havenae": "havent",
    # Caribbean English as typed ("mi cyaan sleep", "mih back ent injured", "fi weeks"): the
    # words meet the English ones they stand for. "mi" is "my" as well as "me" and "I"; "my"
    # is the one phrases turn on ("mi head", "mi foot").
    "mi": "my",
    "mih": "my",
    "di": "the",
    "cyaan": "cant",
    "cyah": "cant",
    "caan": "cant",
    "nuh": "not",
    "ent": "isnt",
    "fi": "for",
    "inna": "in",
    "pon": "on",
    "waan": "want",
    # Scots as typed ("banged ma heid", "a sair heid", "an' noo"): the English words.
    "heid": "head",
    "heids": "head",
    "heidache": "headache",
    "heidaches": "headache",
    "nae": "no",
    "ma": "my",
    "sair": "sore",
    "noo": "now",
    "gaun": "going",
    "aw": "all",
    "wi": "with",
    "ahve": "ive",
    "ahm": "im",
    # Geordie as typed ("me heed's banging"): the head.
    "heed": "head",
    "heeds": "head",
    # "Me" for "my" in much of England, Ireland and Australia goes with it: "wet meself".
    "meself": "myself",
    # "Swole up": swollen, in American speech.
    "swole": "swell",
}

# Forms kept exactly: "having a stroke" is not "had a stroke", and "note" is not "not"; a
# wound or a bone that "healed" or "mended" is past, one still "healing" or "mending" is not;
# a joint "moving freely" is not one "free" of something ("pain free" denies the pain).
# "chilled" is relaxed ("something chilled"), not "the chills" of a fever.
KEEP: frozenset[str] = frozenset(
    {
        "having",
        "note",
        "notes",
        "noted",
        "healed",
        "mended",
        "freely",
        "chilled",
        # Said of what usually happens, which "normal" and "usual" are not: "no bowel problems,
        # legs feel normal" is no habit.
        "normally",
        "usually",
        "typically",
    }
)

# Words of how a body feels whose degree forms mean the same sign: "the tightest neck",
# "stiffer every morning", "my left arm is weaker". Only these: "chest" and "rest" end in
# "est", "shoulder" and "finger" in "er", and must stay as they are.
GRADABLE: frozenset[str] = frozenset(
    {
        "tight",
        "stiff",
        "tense",
        "sore",
        "weak",
        "numb",
        "achy",
        "wobbly",
        "shaky",
        "tingly",
        "dizzy",
        "knotty",
        "crampy",
    }
)

_VOWELS = frozenset("aeiouy")


@dataclass(frozen=True, slots=True)
class Token:
    """One word of an utterance."""

    text: str
    """The word as heard, folded to lower case (apostrophes kept, for quoting it back)."""
    stem: str
    """The matching key: no apostrophes, inflection removed."""
    index: int
    """Position of the word in the utterance, counting from 0."""
    sentence_start: bool = False
    """True when a full stop, "!", "?" or ";" stands between this word and the one before."""


def fold(text: str) -> str:
    """Lower-case, accent-free, compatibility-normalised text with plain apostrophes.

    The answer must not depend on letter case, so this folds harder than ``str.lower``:
    ``"SS"`` and ``"ß"`` become the same, and so do dotted and dotless i.
    """
    for _ in range(2):  # twice: case folding can itself produce decomposable letters
        text = unicodedata.normalize("NFKD", text).translate(_APOSTROPHES)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        text = text.casefold().replace("\u0131", "i")
    return text


def _undouble(word: str) -> str:
    """'slipp' -> 'slip', 'knott' -> 'knot'; keeps 'pull', 'stress', 'buzz'."""
    if (
        len(word) >= 3
        and word[-1] == word[-2]
        and word[-1] not in "lsz"
        and word[-1] not in _VOWELS
    ):
        return word[:-1]
    return word


def _plain_degree(word: str) -> str:
    """'tightest' -> 'tight', 'sorer' -> 'sore', 'achier' -> 'achy'; other words unchanged."""
    for suffix in ("est", "er"):
        if word.endswith(suffix):
            base = word[: -len(suffix)]
            shapes = (
                base,
                _undouble(base),
                base + "e",
                base[:-1] + "y" if base[-1:] == "i" else "",
            )
            for shape in shapes:
                if shape in GRADABLE:
                    return shape
    return word


def _has_vowel(word: str) -> bool:
    return any(ch in _VOWELS for ch in word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Fold plural, verb and a few derivational endings so related forms meet.

    It need not give dictionary words, only the same key on both sides: "aches", "ached",
    "aching" and "ache" all give "ach". ``word`` is a folded token without apostrophes.
    """
    if word in KEEP:
        return word
    w = _plain_degree(IRREGULAR.get(word, word))
    if len(w) <= 3:
        return w
    # Plurals and third person.
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is", "ys")):
        w = w[:-1]
    # Derivational endings that keep the meaning we match on.
    for suffix, repl in (("iness", "y"), ("ness", ""), ("ily", "y"), ("ful", ""), ("ish", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)] + repl
            break
    else:
        if w.endswith("ly") and len(w) > 5:
            w = w[:-2]
    # Verb endings.
    if w.endswith("ing") and len(w) > 5 and _has_vowel(w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ed") and len(w) > 4 and not w.endswith("eed") and _has_vowel(w[:-2]):
        w = _undouble(w[:-2])
    # A silent final e, so "ache" and "aching" meet.
    if w.endswith("e") and len(w) > 3 and not w.endswith("ee"):
        w = w[:-1]
    return w


def _folded_words(text: str) -> str:
    """``text`` folded, with a dropped g written back ("achin'" is "aching") and "an'" as
    "and"."""
    return _AN_AND.sub("and", _DROPPED_G.sub(r"\1g", fold(text)))


def words(text: str) -> list[str]:
    """The folded words of ``text`` (apostrophes kept), in order."""
    return _WORD.findall(_folded_words(text))


def tokenize(text: str) -> tuple[Token, ...]:
    """Split ``text`` into tokens. Never raises; any string gives a (maybe empty) tuple."""
    folded = _folded_words(text)
    tokens = []
    last = 0
    for i, found in enumerate(_WORD.finditer(folded)):
        w = found.group()
        after_stop = i > 0 and _SENTENCE_END.search(folded, last, found.start()) is not None
        tokens.append(Token(w, stem(w.replace("'", "")), i, after_stop))
        last = found.end()
    return tuple(tokens)


def stems(text: str) -> tuple[str, ...]:
    """Just the stems of ``text``: how lexicon phrases are keyed."""
    return tuple(stem(w.replace("'", "")) for w in words(text))
