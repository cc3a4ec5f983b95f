"""The labelled corpora: one loader for the tests and the benchmarks alike.

Each corpus is a JSON Lines file in ``support/data``: one utterance per line with the advice it
must get. ``corpus`` is the development set (the lexicon was written and tuned with it); the
``heldout`` sets were never tuned on; ``dev2`` and the ``blind`` sets were written by someone who
had seen neither the lexicon nor the corpus: ``dev2``, ``dev3`` (mostly red flags, said the
many ways people describe them), ``dev4`` to ``dev23`` are tuned on, the blind
sets never are.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intents.models import URGENCIES, Urgency
from support import DATA

CORPORA: dict[str, str] = {
    "corpus": "corpus.jsonl",
    "heldout": "corpus_heldout.jsonl",
    "heldout2": "corpus_heldout2.jsonl",
    "dev2": "corpus_dev2.jsonl",
    "dev3": "corpus_dev3.jsonl",
    "dev4": "corpus_dev4.jsonl",
    "dev5": "corpus_dev5.jsonl",
    "dev6": "corpus_dev6.jsonl",
    "dev7": "corpus_dev7.jsonl",
    "dev8": "corpus_dev8.jsonl",
    "dev9": "corpus_dev9.jsonl",
    "dev10": "corpus_dev10.jsonl",
    "dev11": "corpus_dev11.jsonl",
    "dev12": "corpus_dev12.jsonl",
    "dev13": "corpus_dev13.jsonl",
    "dev14": "corpus_dev14.jsonl",
    "dev15": "corpus_dev15.jsonl",
    "dev16": "corpus_dev16.jsonl",
    "dev17": "corpus_dev17.jsonl",
    "dev18": "corpus_dev18.jsonl",
    "dev19": "corpus_dev19.jsonl",
    "dev20": "corpus_dev20.jsonl",
    "dev21": "corpus_dev21.jsonl",
    "dev22": "corpus_dev22.jsonl",
    "dev23": "corpus_dev23.jsonl",
}
"""Corpus names and their files."""

BLIND_SETS: dict[str, str] = {
    "blind_a": "corpus_blind_a.jsonl",
    "blind_b": "corpus_blind_b.jsonl",
    "blind_c": "corpus_blind_c.jsonl",
    "blind_d": "corpus_blind_d.jsonl",
    "blind_e": "corpus_blind_e.jsonl",
    "blind_f": "corpus_blind_f.jsonl",
    "blind_g": "corpus_blind_g.jsonl",
    "blind_h": "corpus_blind_h.jsonl",
    "blind_i": "corpus_blind_i.jsonl",
    "blind_j": "corpus_blind_j.jsonl",
    "blind_k": "corpus_blind_k.jsonl",
    "blind_l": "corpus_blind_l.jsonl",
    "blind_m": "corpus_blind_m.jsonl",
    "blind_n": "corpus_blind_n.jsonl",
    "blind_o": "corpus_blind_o.jsonl",
    "blind_p": "corpus_blind_p.jsonl",
    "blind_q": "corpus_blind_q.jsonl",
    "blind_r": "corpus_blind_r.jsonl",
}
"""Blind sets: written from the domain notes alone, scored by their totals only and never
tuned on. blind_a was written before the red-flag signs were added to the lexicon (it shows
where that change started); blind_b after the change was finished; blind_c after the lexicon
was tuned on dev2; blind_d after it was tuned on dev3 too (the change finished); blind_e before
the dev4 round, by a writer who never saw that round (scored once before it and once after);
blind_f after the dev4 round was finished, in other speakers' styles (older people's stories,
parents speaking for a child, English as a second language, terse replies); blind_g before the
dev5 round, by a writer who never saw that round (scored once before it and once after);
blind_h before the dev6 round, by a writer given the same brief as dev6's but other speakers
(scored once before it and once after); blind_i likewise before the dev7 round (rural and
small-town speakers of Britain and the United States); blind_j during the dev7 round, by a
writer who saw only the domain notes (office and trade workers, the old, carers, athletes,
students, English as a second language), kept unread and scored once before the round's
changes and once after; blind_k after the dev8 round was finished, by a writer who saw only
the domain notes (the American South and Midwest, Canada, the Caribbean, South Africa, learners
of English whose first language is Polish, Spanish, Arabic or Mandarin; teenagers, pensioners,
carers and parents, office, warehouse and delivery workers, nurses, musicians); blind_l after
the dev9 round was finished, by a writer who saw only the domain notes (the North of England and
the Midlands, New York and Boston, the US Midwest, Hispanic Americans switching into Spanish,
learners of English whose first language is Arabic or Russian, teenagers and people in their
twenties; scored once after that round and once after the dev10 round); blind_m after the dev10
round was finished, by a writer who saw only the domain notes (Northern Ireland, Cornwall and
Devon, Wales, New England, Appalachia, Hawaii and the Pacific Northwest, Singapore and Malaysia,
Ghana and Kenya, learners of English whose first language is Korean, Japanese, Greek or Dutch,
carers, people in a hurry or upset); blind_n after the dev11 round was finished, by a writer
who saw only the domain notes (Glasgow and Aberdeen, Yorkshire and the Black Country, London,
Jamaica and Trinidad, Pakistan and Bangladesh, Hong Kong, Malta, Texas, Oklahoma and California,
Quebec, South Australia and Queensland, Zimbabwe and Uganda, learners of English whose first
language is Portuguese, Turkish, Vietnamese, Italian, French, German, Hungarian or Swahili;
farmers, chefs, hairdressers, teachers, drivers, builders, parents, grandparents, gamers,
dancers, people anxious, vague or in a hurry); blind_o after the dev12 round was finished,
by a writer who saw only the domain notes (the Welsh valleys, Cumbria, Belfast, Dublin and Cork,
Bristol, Essex and Manchester, Atlanta, Alabama, Philadelphia, Baltimore, Utah, Alaska, Puerto
Rico, Toronto and Newfoundland, Melbourne, Tasmania and Auckland, Lagos, Nairobi and Cape Town,
Mumbai, Kerala, Sri Lanka and Singapore, learners of English whose first language is Japanese,
Korean, Russian, Ukrainian, Arabic, Spanish, Portuguese, German or Swedish; tradespeople,
carers, parents, teenagers and sportspeople, people scared, embarrassed, joking or terse);
blind_p after the dev13 round was finished, by two writers who saw only the domain notes and
chose their own speakers (one wrote the red flags, the massage cautions and the fragments, the
other the single concerns, both kinds in one breath and denied red flags); blind_q likewise
after the dev14 round was finished (speakers of the writers' own choosing: fishers, farmers,
drivers, shift and trade workers, musicians, athletes, carers and relatives, many learners of
English); blind_r likewise after the dev15 to dev23 rounds were finished, with the same brief
as blind_p and blind_q."""


@dataclass(frozen=True)
class Labelled:
    """One labelled utterance."""

    index: int
    """Line number in its file (0-based): a stable id."""
    text: str
    """What the person says."""
    expected: tuple[str, ...]
    """Recommendations counted as right."""
    category: str
    """The corpus's category (red_flag, injury, stress ...)."""
    urgency: Urgency | None = None
    """For a red flag: "emergency" or "urgent"."""
    flag: str | None = None
    """For a red flag: the concern of the red-flag table's row (its name in the lexicon)."""
    case: str = ""
    """A finer label, when there is one ("mixed", "asr_slip")."""

    @property
    def red_flag(self) -> bool:
        """Labelled as a red flag: the assistant must send the person to a doctor."""
        return self.urgency is not None or self.category == "red_flag"


def load(name: str) -> list[Labelled]:
    """Every utterance of the corpus called ``name`` (see :data:`CORPORA`)."""
    return load_file(DATA / CORPORA[name])


def load_file(path: Path) -> list[Labelled]:
    """Every utterance of a corpus file."""
    items = []
    for index, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        row = json.loads(line)
        expected = row["expected"]
        items.append(
            Labelled(
                index=index,
                text=row["text"],
                expected=tuple(expected) if isinstance(expected, list) else (expected,),
                category=row["category"],
                urgency=_urgency(row.get("urgency")),
                flag=row.get("red_flag"),
                case=row.get("case", ""),
            )
        )
    return items


def _urgency(value: object) -> Urgency | None:
    for urgency in URGENCIES:
        if value == urgency:
            return urgency
    return None


def speakable(items: Sequence[Labelled]) -> list[Labelled]:
    """Items a person would say: the "asr_slip" lines are transcripts with Vosk's mistakes
    already in them ("me greens"), so speaking them measures nothing real."""
    return [i for i in items if "asr_slip" not in (i.category, i.case)]


def keyword_sentences() -> list[tuple[str, list[str]]]:
    """Domain sentences and the keywords a recogniser must get from each (asr_sentences.tsv)."""
    rows = []
    for line in (DATA / "asr_sentences.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            sentence, keywords = line.split("\t")
            rows.append((sentence, keywords.split(",")))
    return rows


@dataclass(frozen=True)
class SpokenRedFlag:
    """One phrasing of a red flag, from red_flags_spoken.tsv."""

    concern: str
    """The red-flag table's 'Likely concern'."""
    urgency: str
    """The urgency the table gives it."""
    spoken: bool
    """In the spoken set: heard well enough by Vosk to escalate every time."""
    text: str
    """The words."""


def spoken_red_flags() -> list[SpokenRedFlag]:
    """Every phrasing of red_flags_spoken.tsv."""
    rows = []
    for line in (DATA / "red_flags_spoken.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            concern, urgency, spoken, text = line.split("\t")
            rows.append(SpokenRedFlag(concern, urgency, spoken == "yes", text))
    return rows


@dataclass(frozen=True)
class SignedRedFlag:
    """One red flag said through its signs, from red_flag_signs.tsv."""

    flag: str
    """The red flag's name in the lexicon ("heart_attack")."""
    urgency: Urgency
    """The urgency the table gives it."""
    text: str
    """The words."""


def red_flag_signs() -> list[SignedRedFlag]:
    """Every phrasing of red_flag_signs.tsv."""
    rows = []
    for line in (DATA / "red_flag_signs.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            flag, urgency, text = line.split("\t")
            level = _urgency(urgency)
            if level is None:
                raise ValueError(f"red_flag_signs.tsv: {urgency!r} is not an urgency: {line!r}")
            rows.append(SignedRedFlag(flag, level, text))
    return rows
