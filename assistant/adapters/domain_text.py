"""Sentences in the therapy domain, for the speech model's language model.

Every phrase of the lexicon is expanded (:func:`intents.templates.expand`, words as written), a
few of its expansions are drawn, gaps are filled, and each is placed in two or three carrier
sentences that fit its shape. The English (carriers, gap words, which phrases to leave out)
is data: ``domain_carriers.toml`` beside this module. Pure apart from reading that file, and
deterministic: the same lexicon, carriers and seed give the same sentences in the same order.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.errors import UserError
from intents import Lexicon
from intents.templates import GAP, TemplateError, expand

CARRIERS_FILE = Path(__file__).with_name("domain_carriers.toml")
"""The carriers shipped with the assistant."""
SEED = 1
"""Seed of the draws, so the sentences (and so the adapted model) are the same every build."""
PHRASES_PER_TEMPLATE = 20
"""At most this many expansions of one lexicon template are drawn."""
CARRIERS_PER_PHRASE = (2, 3)
"""Each drawn phrase goes into this many carriers of its shape (fewest, most)."""
PHRASE_SLOT = "phrase"
"""The slot a carrier holds the lexicon's phrase in."""
BODY_SLOT = "body_part"
"""The slot filled from the lexicon's list of the same name."""
BODY_SHAPE, STATE_SHAPE = "body", "state"
"""The shapes whose words decide how a gap is filled (before a body word, before a state)."""

_SLOT = re.compile(r"\{(\w+)\}")
_Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Shape:
    """A kind of phrase and the carrier sentences that fit it."""

    name: str
    """What the shape is called in the data file."""
    carriers: tuple[str, ...]
    """Sentences with a {phrase} slot (and maybe other slots)."""
    terms: frozenset[str] = frozenset()
    """Lexicon terms whose phrases take this shape."""
    first_words: frozenset[str] = frozenset()
    """A phrase that starts with one of these takes this shape."""
    lists: tuple[str, ...] = ()
    """Lexicon lists whose entries' first words count as first words too."""
    first_word_endings: tuple[str, ...] = ()
    """A phrase whose first word ends so takes this shape."""
    last_words: frozenset[str] = frozenset()
    """A phrase that ends in one of these takes this shape."""


@dataclass(frozen=True)
class Carriers:
    """Everything read from the carriers file."""

    lists: Mapping[str, tuple[str, ...]]
    """Lexicon lists replaced by narrower ones for writing sentences."""
    drop: tuple[str, ...]
    """Templates of phrases never to train on (mishearings, stems)."""
    before_body: tuple[str, ...]
    """What fills a gap before a body word."""
    before_state: tuple[str, ...]
    """What fills a gap before a word that says how something is."""
    elsewhere: tuple[str, ...]
    """What fills any other gap."""
    state_endings: tuple[str, ...]
    """Word endings that say how something is."""
    open_ends: frozenset[str]
    """Last words after which a body part is added."""
    slots: Mapping[str, tuple[str, ...]]
    """Words drawn for the named slots of carriers."""
    shapes: tuple[Shape, ...]
    """Phrase shapes in the order they are tried; the last fits every phrase."""
    extra: tuple[str, ...]
    """Sentences said on their own."""


def load_carriers(path: Path = CARRIERS_FILE) -> Carriers:
    """Read the carriers file; a mistake in it is one line naming the file and the fix."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _parse(data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UserError(f"Cannot read the carriers file {path} ({error}); restore it.") from None
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"The carriers file {path} is not as expected ({error}).") from None


def _strings(value: Any, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{what} must be a list of strings")
    return tuple(value)


def _parse(data: Mapping[str, Any]) -> Carriers:
    gaps, slots = data["gaps"], data["slots"]
    shapes = tuple(
        Shape(
            name=str(entry["name"]),
            carriers=_strings(entry["carriers"], f"shape {entry['name']} carriers"),
            terms=frozenset(_strings(entry.get("terms", []), "terms")),
            first_words=frozenset(_strings(entry.get("first_words", []), "first_words")),
            lists=_strings(entry.get("lists", []), "lists"),
            first_word_endings=_strings(entry.get("first_word_endings", []), "endings"),
            last_words=frozenset(_strings(entry.get("last_words", []), "last_words")),
        )
        for entry in data["shape"]
    )
    carriers = Carriers(
        lists={name: _strings(v, f"lists.{name}") for name, v in data.get("lists", {}).items()},
        drop=_strings(data["drop"]["phrases"], "drop.phrases"),
        before_body=_strings(gaps["before_body"], "gaps.before_body"),
        before_state=_strings(gaps["before_state"], "gaps.before_state"),
        elsewhere=_strings(gaps["elsewhere"], "gaps.elsewhere"),
        state_endings=_strings(gaps["state_endings"], "gaps.state_endings"),
        open_ends=frozenset(_strings(data["open_ends"]["words"], "open_ends.words")),
        slots={name: _strings(v, f"slots.{name}") for name, v in slots.items()},
        shapes=shapes,
        extra=_strings(data["sentences"]["extra"], "sentences.extra"),
    )
    names = {shape.name for shape in shapes}
    if not {BODY_SHAPE, STATE_SHAPE} <= names:
        raise ValueError(f"the shapes {BODY_SHAPE!r} and {STATE_SHAPE!r} are needed")
    known_slots = {PHRASE_SLOT, BODY_SLOT, *carriers.slots}
    for shape in shapes:
        for carrier in shape.carriers:
            if PHRASE_SLOT not in _SLOT.findall(carrier):
                raise ValueError(f"carrier {carrier!r} has no {{{PHRASE_SLOT}}}")
            if unknown := set(_SLOT.findall(carrier)) - known_slots:
                raise ValueError(f"carrier {carrier!r} names unknown slot {sorted(unknown)[0]}")
    return carriers


def domain_sentences(
    lexicon: Lexicon, carriers: Carriers, known: Callable[[str], bool], seed: int = SEED
) -> list[str]:
    """Lower-case sentences, one string each, whose every word ``known`` accepts."""
    return list(_Writer(lexicon, carriers, seed).sentences(known))


class _Writer:
    """Draws phrases and carriers with one seeded random generator, in lexicon order."""

    def __init__(self, lexicon: Lexicon, carriers: Carriers, seed: int) -> None:
        self.lexicon = lexicon
        self.carriers = carriers
        self.lists = {**lexicon.lists, **carriers.lists}
        self.rng = random.Random(seed)
        self.body_parts = self._expand_list(BODY_SLOT)
        self.shapes = {shape.name: shape for shape in carriers.shapes}
        self.list_first_words = {
            shape.name: frozenset(p[0] for name in shape.lists for p in self._expand_list(name))
            for shape in carriers.shapes
        }
        self.dropped = {
            phrase for template in carriers.drop for phrase in self._expand(template, True)
        }
        self.dropped_lengths = sorted({len(phrase) for phrase in self.dropped})

    def _expand(self, template: str, full_lists: bool = False) -> list[_Phrase]:
        lists = self.lexicon.lists if full_lists else self.lists
        try:
            return expand(template, lists, surface=True)
        except TemplateError as error:
            raise UserError(f"domain_carriers.toml: {error}; fix the template") from None

    def _expand_list(self, name: str) -> list[_Phrase]:
        if name not in self.lists:
            raise UserError(f"domain_carriers.toml names the list {name!r} the lexicon lacks")
        return [p for entry in self.lists[name] for p in self._expand(entry)]

    def sentences(self, known: Callable[[str], bool]) -> Iterator[str]:
        for term in self.lexicon.terms():
            for template in term.phrases:
                phrases = [p for p in self._expand(template) if not self._is_dropped(p)]
                drawn = self.rng.sample(phrases, min(len(phrases), PHRASES_PER_TEMPLATE))
                for phrase in drawn:
                    words = self._fill(phrase)
                    for sentence in self._place(term.name, words):
                        if all(known(word) for word in sentence.split()):
                            yield sentence
        yield from (s for s in self.carriers.extra if all(known(w) for w in s.split()))

    def _is_dropped(self, phrase: _Phrase) -> bool:
        return any(
            phrase[i : i + n] in self.dropped
            for n in self.dropped_lengths
            for i in range(len(phrase) - n + 1)
        )

    def _pick(self, options: Sequence[str]) -> list[str]:
        return options[self.rng.randrange(len(options))].split()

    def _fill(self, phrase: _Phrase) -> list[str]:
        """The phrase with its gaps filled, and a body part after an open end ("hurt my")."""
        words: list[str] = []
        for position, word in enumerate(phrase):
            if word != GAP:
                words.append(word)
                continue
            following = phrase[position + 1]  # a template never ends in a gap
            if self._fits(BODY_SHAPE, following):
                words += self._pick(self.carriers.before_body)
            elif self._fits(STATE_SHAPE, following) or following.endswith(
                self.carriers.state_endings
            ):
                words += self._pick(self.carriers.before_state)
            else:
                words += self._pick(self.carriers.elsewhere)
        if words[-1] in self.carriers.open_ends:
            words += self.body_parts[self.rng.randrange(len(self.body_parts))]
        return words

    def _fits(self, shape_name: str, first: str) -> bool:
        shape = self.shapes[shape_name]
        return first in shape.first_words or first in self.list_first_words[shape_name]

    def _shape(self, term: str, words: Sequence[str]) -> Shape:
        for shape in self.carriers.shapes:
            if (
                term in shape.terms
                or self._fits(shape.name, words[0])
                or (shape.first_word_endings and words[0].endswith(shape.first_word_endings))
                or words[-1] in shape.last_words
            ):
                return shape
        return self.carriers.shapes[-1]

    def _place(self, term: str, words: list[str]) -> list[str]:
        """Two or three carriers of the phrase's shape, with every slot filled."""
        shape = self._shape(term, words)
        fewest, most = CARRIERS_PER_PHRASE
        count = min(len(shape.carriers), self.rng.randint(fewest, most))
        return [self._render(c, words) for c in self.rng.sample(shape.carriers, count)]

    def _render(self, carrier: str, phrase: list[str]) -> str:
        out: list[str] = []
        for token in carrier.split():
            slot = _SLOT.fullmatch(token)
            if slot is None:
                out.append(token)
            elif slot[1] == PHRASE_SLOT:
                out += phrase
            elif slot[1] == BODY_SLOT:
                out += self.body_parts[self.rng.randrange(len(self.body_parts))]
            else:
                out += self._pick(self.carriers.slots[slot[1]])
        return " ".join(out)
