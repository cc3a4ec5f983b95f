"""The lexicon and what the matcher returns, as plain frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Kind = Literal["concern", "red_flag", "contraindication", "symptom"]
Signal = Literal["physiotherapy", "massage", "neutral"]
Urgency = Literal["emergency", "urgent"]

KINDS: tuple[Kind, ...] = ("concern", "red_flag", "contraindication", "symptom")
SIGNALS: tuple[Signal, ...] = ("physiotherapy", "massage", "neutral")
URGENCIES: tuple[Urgency, ...] = ("emergency", "urgent")

_URGENCY_RANK: dict[Urgency | None, int] = {None: 0, "urgent": 1, "emergency": 2}


def urgency_rank(urgency: Urgency | None) -> int:
    """0 for none, 1 for urgent, 2 for emergency: to pick the most urgent."""
    return _URGENCY_RANK[urgency]


@dataclass(frozen=True)
class Rule:
    """A term that is heard when other terms are heard together (and not negated)."""

    all_of: tuple[tuple[str, ...], ...]
    """Every part must be heard; a part is one or more alternative term names."""
    unless: tuple[str, ...] = ()
    """Term names that, when heard, stop this rule from firing."""
    urgency: Urgency | None = None
    """For a red flag: the urgency when this rule fires (else the flag's own)."""


@dataclass(frozen=True, kw_only=True)
class Term:
    """Something the person can mention, with the phrases that mean it."""

    name: str
    """Stable identifier, shown in JSON output (e.g. "injury")."""
    kind: Kind
    """Which family the term belongs to."""
    phrases: tuple[str, ...] = ()
    """Templates (see :mod:`intents.templates`) that mean this term on their own."""
    rules: tuple[Rule, ...] = ()
    """Combinations of other terms that also mean this term."""
    label: str = ""
    """A few words that name it aloud ("an injury", "a heart attack")."""


@dataclass(frozen=True, kw_only=True)
class Concern(Term):
    """A reason to see a therapist: it points to physiotherapy, massage, or neither by itself."""

    signal: Signal = "neutral"
    """The therapy this concern points to; "neutral" concerns need more detail."""
    part_of_condition: bool = False
    """Taken as part of a physiotherapy problem heard in the same utterance (local tension)."""
    requests_massage: bool = False
    """The person asks for massage itself ("can i get a deep tissue massage"): with a caution,
    a clinician must clear it first, whatever else was heard."""


@dataclass(frozen=True, kw_only=True)
class RedFlag(Term):
    """A sign that needs medical care before any therapy."""

    urgency: Urgency = "urgent"
    """How soon: "emergency" (call now) or "urgent" (a doctor today)."""


@dataclass(frozen=True, kw_only=True)
class Contraindication(Term):
    """A reason not to have massage until a clinician has said it is safe."""


@dataclass(frozen=True, kw_only=True)
class Symptom(Term):
    """A building block for rules (fever, sudden onset ...), not advice by itself."""


@dataclass(frozen=True)
class Negation:
    """How negation is heard: the words that start it, end it, or only look like it."""

    before: tuple[str, ...]
    """Templates that negate what follows ("no", "don't have", "never had")."""
    after: tuple[str, ...]
    """Templates that negate what came just before ("went away"); never for red flags."""
    pseudo: tuple[str, ...]
    """Templates that look like negation but are not ("not sure", "not just")."""
    scope_ends: frozenset[str]
    """Stems that end a negation's reach ("but", "just", "only", "and", "i" ...)."""
    clause_starts: frozenset[str] = frozenset()
    """Stems that end it even when a phrase starts with them ("no injury, i'm just sore");
    other scope ends still let a phrase that starts with them be negated ("no it band")."""
    list_ends: frozenset[str] = frozenset()
    """Stems that end a list of negated things once one was negated: a new subject ("no
    numbness, my back seizes up" denies the numbness, not the back)."""
    had_after: frozenset[str] = frozenset()
    """Stems after which a list end is what is had, not a new subject ("i don't have my
    nerves" denies the nerves)."""
    later_ends: frozenset[str] = frozenset()
    """Stems that end it once a word other than a filler or a small word came between: "no
    helmet, bit of a headache" has the headache, "not a bit stressed" denies the stress."""
    window: int = 5
    """How many words after a negation a concern may start and still be negated."""
    red_flag_window: int = 3
    """The same for red flags, kept short: when in doubt, escalate."""
    after_window: int = 3
    """How many words before an after-negation ("... went away") a concern may end."""
    habitual: tuple[tuple[str, ...], ...] = ()
    """Stem sequences that make a negation habitual ("i don't get headaches as a rule"): what
    it negates is still a part of red-flag rules, for the one happening now may be new."""


@dataclass(frozen=True)
class Phrasing:
    """The small words around a match: which body part belongs to it, where a quote starts.

    All are stems (see :mod:`intents.tokenize`), read from the lexicon's [phrasing] table.
    """

    prepositions: frozenset[str] = frozenset()
    """Words that join a body part to what was heard ("surgery on my knee")."""
    possessives: frozenset[str] = frozenset()
    """Words that may stand before that body part ("my", "the", "both")."""
    sides: frozenset[str] = frozenset()
    """"left" and "right", kept with the body part they name."""
    past_forms: frozenset[str] = frozenset()
    """Irregular past tenses that take a body part straight after them ("tore my hamstring")."""
    subjects: frozenset[str] = frozenset()
    """Where a quote of what was said may start: the speaker ("i", "my", "she")."""
    determiners: frozenset[str] = frozenset()
    """Failing a speaker, an article just before the words ("a car accident")."""
    lead_in_fillers: frozenset[str] = frozenset()
    """The only words that may stand between the speaker and the words ("i think i might")."""
    clause_breaks: frozenset[str] = frozenset()
    """A quote never reaches back past these ("and", "but", "because")."""
    clause_subjects: frozenset[str] = frozenset()
    """Speakers that start a clause of their own ("i", "she's"), for what a red flag's "unless"
    may reach."""
    explaining: frozenset[str] = frozenset()
    """Words after which a speaker goes on explaining the clause before ("since i broke it")."""
    lead_in_reach: int = 4
    """How many words back a quote may start."""
    site_reach: int = 5
    """How many words either side, within its clause, a match looks for the body part it is
    about ("my shoulders are all knotted")."""


@dataclass(frozen=True)
class Lexicon:
    """Everything the matcher knows, as plain data read from TOML by :mod:`intents.load`."""

    concerns: tuple[Concern, ...]
    """Reasons to see a therapist."""
    red_flags: tuple[RedFlag, ...]
    """Signs that need a doctor first."""
    contraindications: tuple[Contraindication, ...]
    """Reasons to hold off massage."""
    symptoms: tuple[Symptom, ...]
    """Building blocks used only by rules."""
    negation: Negation
    """Negation words and scope."""
    lists: Mapping[str, tuple[str, ...]]
    """Named word lists that templates refer to as {name}."""
    ignore: tuple[str, ...] = ()
    """Templates that mean nothing here and hide their words ("fell asleep", "broke down")."""
    fillers: frozenset[str] = frozenset()
    """Stems that may sit inside a phrase without breaking it ("really", "so", "like")."""
    hesitations: frozenset[str] = frozenset()
    """Stems dropped before matching ("um", "uh")."""
    gap_max: int = 3
    """How many words a * gap in a template may stand for."""
    gap_stops: frozenset[str] = frozenset()
    """Stems a * gap never jumps over ("but", "and")."""
    droppable: frozenset[str] = frozenset()
    """Small words a phrase may be heard without ("my", "the", "a"): "pain in knee" is "pain
    in my knee", "hit head" is "hit my head". Never the last word heard of a phrase."""
    phrasing: Phrasing = Phrasing()
    """The small words around a match, for attaching body parts and quoting."""
    source: str = ""
    """Where the lexicon was read from, for error messages."""

    def terms(self) -> tuple[Term, ...]:
        """Every term, in file order within each family."""
        return (*self.concerns, *self.red_flags, *self.contraindications, *self.symptoms)

    def term(self, name: str) -> Term:
        """The term called ``name``; KeyError if there is none."""
        for t in self.terms():
            if t.name == name:
                return t
        raise KeyError(name)


@dataclass(frozen=True)
class Match:
    """One thing the person mentioned, with where and how they said it."""

    name: str
    """The term's name ("injury", "heart_attack", "pregnancy" ...)."""
    kind: Kind
    """The term's family."""
    words: str
    """The words heard for it, including a body part said next to it ("knee surgery")."""
    start: int
    """Position of the first of those words in the utterance (0-based)."""
    end: int
    """Position just after the last of them."""
    urgency: Urgency | None = None
    """For red flags: how soon care is needed."""
    negated: bool = False
    """True when the person said they do not have it ("no chest pain")."""
    signal: Signal | None = None
    """For concerns: the therapy it points to."""
    part_of_condition: bool = False
    """For concerns: counted as part of a physiotherapy problem heard alongside."""
    requests_massage: bool = False
    """For concerns: the person asked for massage itself."""
    label: str = ""
    """The term's spoken name from the lexicon."""
    said: str = ""
    """The words with the speaker's lead-in ("i think i sprained my ankle"), to quote back."""
    parts: tuple[Match, ...] = ()
    """For a term heard through a rule: the matches that made it up."""
    site: str = ""
    """The body part it is about, as the stem of its last word ("knee", "back"): said in it,
    else the nearest in its clause; empty when none was said."""
