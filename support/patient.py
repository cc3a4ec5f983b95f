"""The simulated patient: reads the assistant's captions and answers, truthfully, in words.

Pure logic, no audio: :meth:`Patient.respond` takes the lines the assistant said since the
patient last spoke and returns what the patient says next. It says its description first; it
answers the safety question yes when a sign it names stands for one of its red flags, else no;
"did you say …?" yes when the words name one of its red flags, else no; "which one?" with its
sign; a clarifying question with its clarifying answer; the choice after two misunderstandings
with its kind of problem. When a reply names a concern it never mentioned (the words quoted after
"you mentioned"), it says "that's not what I said"; after any other advice it says goodbye (after
"I still can't tell", it first describes its problem once more, as the assistant invites).
The assistant's sentences come from the product; the patient's own words and the cues the
product keeps in code are in ``support/data/patient.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import Any

from assistant.core import dialogue
from assistant.core.advice import advise, combine
from assistant.core.dialogue import Dialogue
from assistant.core.events import Exit, Heard, Say, Start
from assistant.core.replies import CALL_NOW, SEE_TODAY
from assistant.core.safety_check import SAFETY, Sign
from assistant.core.settings import Settings
from intents import Match, load_index, load_lexicon, recognize
from intents.models import Urgency
from intents.tokenize import stems
from support import DATA
from support.patients import Scenario

MAX_TURNS = 10
"""Utterances after which the patient gives up and says goodbye."""


@dataclass(frozen=True)
class PatientWords:
    """What ``patient.toml`` says."""

    yes: str
    """The patient's yes."""
    no: str
    """The patient's no."""
    misheard: str
    """What it says when a reply names something it never said."""
    goodbye: str
    """Its last word."""
    quote_cue: str
    """The words before a quote of what was heard ("you mentioned ")."""
    function_stems: frozenset[str]
    """Stems that carry no concern of their own."""
    first_person: dict[str, str]
    """The assistant's "your" back to the patient's "my"."""
    advice_cues: dict[str, str]
    """Recommendation -> the words that give it away in a reply."""


def _load_words() -> PatientWords:
    data: dict[str, Any] = tomllib.loads((DATA / "patient.toml").read_text(encoding="utf-8"))
    say, read = data["say"], data["read"]
    return PatientWords(
        yes=say["yes"],
        no=say["no"],
        misheard=say["misheard"],
        goodbye=say["goodbye"],
        quote_cue=read["quote_cue"],
        function_stems=frozenset(stems(" ".join(read["function_words"]))),
        first_person=dict(read["first_person"]),
        advice_cues=dict(data["advice"]),
    )


WORDS = _load_words()


@dataclass(frozen=True)
class HeardAdvice:
    """A recommendation the patient heard."""

    recommendation: str
    """physiotherapy, massage_therapy, both, see_doctor or unclear."""
    urgency: Urgency | None
    """For a red-flag reply: emergency or urgent."""
    line: str
    """The caption it was read from."""

    @property
    def red_flag_reply(self) -> bool:
        """The reply that sends the person to a doctor now or today."""
        return self.urgency is not None


def advice_in(line: str) -> HeardAdvice | None:
    """The recommendation a caption gives, if it gives one."""
    if line.startswith(CALL_NOW):
        return HeardAdvice("see_doctor", "emergency", line)
    if line.startswith(SEE_TODAY):
        return HeardAdvice("see_doctor", "urgent", line)
    if line.startswith(dialogue.STILL_UNCLEAR):
        return HeardAdvice("unclear", None, line)
    for recommendation, cue in WORDS.advice_cues.items():
        if cue in line:
            return HeardAdvice(recommendation, None, line)
    return None


@cache
def _labels() -> frozenset[str]:
    return frozenset(term.label for term in load_lexicon().terms() if term.label)


def quotes(line: str) -> list[str]:
    """What a caption says it heard: the words after each "you mentioned"."""
    found = []
    lowered = line.lower()
    cue = WORDS.quote_cue
    start = lowered.find(cue)
    while start >= 0:
        rest = lowered[start + len(cue) :]
        label = next((lb for lb in _labels() if re.match(rf"{re.escape(lb)}[,.]", rest)), None)
        found.append(label or re.split(r"[,.]", rest, maxsplit=1)[0])
        start = lowered.find(cue, start + len(cue))
    return found


def _labels_in(matches: Iterable[Match]) -> set[str]:
    labels = set()
    for match in matches:
        labels.add(match.label)
        labels |= _labels_in(match.parts)
    return labels


def first_person(words: str) -> str:
    """The assistant's "your calf is swollen" as the patient says it: "my calf is swollen"."""
    return " ".join(WORDS.first_person.get(word, word) for word in words.lower().split())


@dataclass
class Patient:
    """One patient in one conversation."""

    scenario: Scenario
    """Who the patient is."""
    max_turns: int = MAX_TURNS
    """Utterances after which it gives up."""
    said: list[str] = field(default_factory=list)
    """Everything it said, in order."""
    heard_advice: list[HeardAdvice] = field(default_factory=list)
    """Every recommendation it heard, in order."""
    final: HeardAdvice | None = None
    """The advice it said goodbye to (None: it left without advice)."""
    corrections: int = 0
    """Times it said "that's not what I said"."""
    gave_up: bool = False
    """It said goodbye because the conversation went on too long."""
    _meant: list[str] = field(default_factory=list)  # what its choice of kind stands for

    @property
    def done(self) -> bool:
        """It has said goodbye."""
        return WORDS.goodbye in self.said

    @property
    def turns(self) -> int:
        """Utterances before its (first) goodbye."""
        return self.said.index(WORDS.goodbye) if self.done else len(self.said)

    @property
    def heard_red_flag_reply(self) -> bool:
        """It was told to call emergency services or see a doctor today."""
        return any(advice.red_flag_reply for advice in self.heard_advice)

    def respond(self, lines: Sequence[str]) -> str:
        """What the patient says after the assistant said ``lines``."""
        return self._say(self._answer(lines))

    def _say(self, text: str) -> str:
        self.said.append(text)
        return text

    def _answer(self, lines: Sequence[str]) -> str:
        if self.done:
            return WORDS.goodbye
        found = [advice for line in lines if (advice := advice_in(line)) is not None]
        self.heard_advice += found
        if len(self.said) >= self.max_turns:
            self.gave_up = True
            self.final = found[-1] if found else None
            return WORDS.goodbye
        if any(not self.mentioned(quote) for line in lines for quote in quotes(line)):
            self.corrections += 1
            return WORDS.misheard
        if found:
            retold = self.said.count(self.scenario.description) >= 2
            if found[-1].recommendation == "unclear" and not retold:
                return self.scenario.description  # "describe it another way": once more
            self.final = found[-1]
            return WORDS.goodbye
        return self._answer_prompt(lines[-1] if lines else "")

    def _answer_prompt(self, prompt: str) -> str:
        scenario = self.scenario
        if (signs := _asked_signs(prompt)) is not None:
            return WORDS.yes if any(s.flag in scenario.flags for s in signs) else WORDS.no
        if prompt.startswith(_prefix(SAFETY.which)):
            listed = [s for s in SAFETY.signs if s.asks in prompt]
            mine = [s for s in listed if s.flag in scenario.flags] or listed
            return mine[0].asks if mine else WORDS.no
        if (words := _did_you_say(prompt)) is not None:
            flags = advise(first_person(words)).decision.red_flags
            return WORDS.yes if set(flags) & set(scenario.flags) else WORDS.no
        if prompt in (dialogue.CHOICE, dialogue.CHOICE_AGAIN, dialogue.REMIND_CHOICE):
            self._meant.append(next(m for words, m in dialogue.CHOICES if scenario.kind in words))
            return scenario.kind
        if prompt == dialogue.NOT_CAUGHT and self.said:
            return self.said[-1]
        if prompt in _OPEN_PROMPTS or prompt.endswith(dialogue.TELL_AGAIN):
            return scenario.description
        if prompt.endswith("?") or prompt in _CLARIFY_PROMPTS:
            return scenario.clarifying  # the one kind of question left: tell me more
        return self.said[-1] if self.said else scenario.description

    def mentioned(self, quote: str) -> bool:
        """Whether the patient said what ``quote`` names: a lexicon label that its own words
        carry, or words it said (apart from the small words)."""
        own = [*self.said, *self._meant]
        if quote in _labels():
            index = load_index()
            # An answer is decided together with what it answers, so its labels count too.
            texts = [*own, *(combine(a, b) for a, b in pairwise(own))]
            return any(quote in _labels_in(recognize(text, index)) for text in texts)
        spoken = {stem for text in own for stem in stems(text)}
        return set(stems(quote)) - WORDS.function_stems <= spoken


def _prefix(template: str) -> str:
    """The fixed start of a sentence template ("Which one: " of "Which one: {signs}?")."""
    return template.split("{", 1)[0]


_CLARIFY_PROMPTS = frozenset({dialogue.REMIND_CLARIFYING, dialogue.CLARIFY_GO_AHEAD})
_SAFETY_PREFIXES = tuple(_prefix(t) for t in (SAFETY.question, SAFETY.again, SAFETY.help))
_DID_YOU_SAY = re.compile(re.escape(_prefix(dialogue.DID_YOU_SAY)) + r"(.+)\?")
_OPEN_PROMPTS = frozenset(
    {
        dialogue.GREETING,
        dialogue.REMIND_OPEN,
        dialogue.YES_GO_AHEAD,
        dialogue.NO_WHILE_WAITING,
        dialogue.NO_AFTER_ADVICE,
        dialogue.STARTING_OVER,
        dialogue.HELP_OPEN,
        dialogue.WAITING_QUIETLY,
    }
)


def _asked_signs(prompt: str) -> list[Sign] | None:
    """The signs a safety question names; None when ``prompt`` is not the safety question."""
    if not any(prefix in prompt for prefix in _SAFETY_PREFIXES):
        return None
    return [sign for sign in SAFETY.signs if sign.asks in prompt]


def _did_you_say(prompt: str) -> str | None:
    found = _DID_YOU_SAY.search(prompt)
    return found.group(1) if found else None


def typed_conversation(scenario: Scenario) -> Patient:
    """The conversation with perfect hearing: the patient's words go to the dialogue as typed
    (as ``listen --text`` does), which shows what the dialogue does with every word heard right."""
    conversation = Dialogue(Settings(earcons=False))
    patient = Patient(scenario)
    outputs = conversation.handle(Start())
    while not any(isinstance(output, Exit) for output in outputs):
        lines = [output.text for output in outputs if isinstance(output, Say)]
        outputs = conversation.handle(Heard(patient.respond(lines)))
    return patient
