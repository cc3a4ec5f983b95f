"""A second, domain-biased hearing of the same audio, to decide on.

Vosk's small general model often turns a domain word it finds unlikely into a common one
("numbness" becomes "homeless", "a fever" becomes "the moon"). A second Vosk pass whose
grammar holds only the lexicon's words (with their inflections) and a few hundred everyday
words cannot make that mistake: it has no such common word to prefer. It costs little,
because a small grammar decodes about ten times faster than the full model.

The second pass has no language model, so its text is poor to read; the transcript shown to
the person stays the general one. Advice is decided on both: the general text, then "but",
then the domain text, so a concern or red flag heard by either pass counts ("but" ends any
negation of the first part). The benchmark (docs/benchmarks.md) measures the gain.
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from assistant.asr import BYTES_PER_SECOND, StreamRecognizer, Transcriber, Transcript, Utterance
from intents.load import load_lexicon
from intents.models import Lexicon
from intents.tokenize import IRREGULAR, stem, words

# Everyday words people wrap their concerns in; without them the grammar would force every
# word onto a domain word. Kept short on purpose: each extra word is one more way to mishear.
COMMON_WORDS: tuple[str, ...] = tuple(
    [
        "a",
        "about",
        "after",
        "again",
        "against",
        "ago",
        "all",
        "also",
        "always",
        "am",
        "an",
        "and",
        "any",
        "anything",
        "are",
        "around",
        "as",
        "at",
        "away",
        "back",
        "bad",
        "be",
        "because",
        "been",
        "before",
        "being",
        "better",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "could",
        "day",
        "days",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "each",
        "even",
        "ever",
        "every",
        "feel",
        "feeling",
        "feels",
        "few",
        "for",
        "from",
        "get",
        "gets",
        "getting",
        "go",
        "going",
        "good",
        "got",
        "had",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "he's",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "i'd",
        "i'll",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "just",
        "keep",
        "know",
        "last",
        "like",
        "little",
        "long",
        "lot",
        "lots",
        "made",
        "make",
        "many",
        "may",
        "me",
        "might",
        "month",
        "months",
        "more",
        "morning",
        "most",
        "much",
        "my",
        "need",
        "never",
        "new",
        "night",
        "no",
        "not",
        "now",
        "of",
        "off",
        "often",
        "on",
        "once",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "please",
        "quite",
        "really",
        "right",
        "same",
        "say",
        "see",
        "she",
        "she's",
        "should",
        "since",
        "so",
        "some",
        "something",
        "sometimes",
        "still",
        "such",
        "sure",
        "take",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "them",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they're",
        "thing",
        "things",
        "think",
        "this",
        "those",
        "three",
        "through",
        "time",
        "times",
        "to",
        "today",
        "too",
        "two",
        "um",
        "uh",
        "under",
        "up",
        "us",
        "very",
        "want",
        "wanted",
        "wants",
        "was",
        "wasn't",
        "way",
        "we",
        "week",
        "weeks",
        "well",
        "went",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "without",
        "work",
        "would",
        "year",
        "years",
        "yes",
        "yesterday",
        "you",
        "your",
    ]
)

_TEMPLATE_SYNTAX = re.compile(r"[()\[\]{}|*]")

PREROLL_SECONDS = 2.0
"""Audio kept while idle for the domain pass: Vosk shows a first partial word well within
this time of the start of speech."""


def lexicon_words(lexicon: Lexicon) -> set[str]:
    """Every word written in the lexicon's phrases, lists, negation and ignore templates."""
    templates: list[str] = []
    for term in lexicon.terms():
        templates.extend(term.phrases)
    for entries in lexicon.lists.values():
        templates.extend(entries)
    negation = lexicon.negation
    templates.extend((*negation.before, *negation.after, *negation.pseudo, *lexicon.ignore))
    found: set[str] = set()
    for template in templates:
        found.update(words(_TEMPLATE_SYNTAX.sub(" ", template)))
    return {w for w in found if w.isalpha() or "'" in w}


def inflections(word: str) -> set[str]:
    """Regular plural and verb forms of ``word`` (some are not English; the model filters them)."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "ed"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 2 and word[-1] not in "aeiouywx":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def _key(word: str) -> str:
    return stem(word.replace("'", ""))


def domain_vocabulary(lexicon: Lexicon, known: Callable[[str], bool]) -> tuple[str, ...]:
    """The grammar's words: lexicon words, the forms the matcher hears as them, common words.

    ``known`` says whether the speech model has a word; Vosk drops unknown grammar words with
    a warning, so they are left out here.
    """
    base = lexicon_words(lexicon)
    vocabulary: set[str] = set()
    common = set(COMMON_WORDS)
    for word in base:
        if word in common or len(word) < 3:
            vocabulary.add(word)
            continue
        # Only forms the matcher folds back to the same stem: "sprained" for "sprain".
        vocabulary |= {form for form in inflections(word) if _key(form) == _key(word)}
    irregular_targets = {_key(w) for w in base}
    vocabulary |= {form for form, lemma in IRREGULAR.items() if _key(lemma) in irregular_targets}
    vocabulary |= set(COMMON_WORDS)
    return tuple(sorted(w for w in vocabulary if known(w)))


def model_knows(transcriber: Transcriber) -> Callable[[str], bool]:
    """Whether the loaded Vosk model has a word in its vocabulary."""
    model = transcriber.model
    return lambda word: bool(model.vosk_model_find_word(word) != -1)


def decision_text(general: str, domain: str) -> str:
    """The text advice is decided on: both hearings, joined so either can raise a concern."""
    general, domain = general.strip(), domain.strip()
    if not general or not domain:
        return general or domain
    return f"{general} but {domain}"


@dataclass
class DomainPass:
    """The domain-biased recogniser: same model, grammar limited to the domain vocabulary."""

    transcriber: Transcriber
    """The loaded general model (its acoustic model is shared, nothing is loaded twice)."""
    vocabulary: tuple[str, ...]
    """The grammar's words."""

    @classmethod
    def load(cls, transcriber: Transcriber, lexicon: Lexicon | None = None) -> DomainPass:
        """Build the vocabulary from ``lexicon`` (default: the packaged one)."""
        lexicon = lexicon or load_lexicon()
        return cls(transcriber, domain_vocabulary(lexicon, model_knows(transcriber)))

    def stream(self) -> StreamRecognizer:
        """A grammar-limited recogniser that only ends an utterance when flushed (or at 30 s)."""
        return self.transcriber.stream(grammar=self.vocabulary, end_silence=math.inf)

    def transcribe_chunks(self, chunks: Iterable[bytes]) -> Transcript:
        """The domain hearing of 16 kHz mono 16-bit PCM given in chunks."""
        recognizer = self.stream()
        parts = [u for chunk in chunks if (u := recognizer.accept(chunk)) is not None]
        last = recognizer.flush()
        if last is not None:
            parts.append(last)
        return Transcript(" ".join(p.text for p in parts), tuple(w for p in parts for w in p.words))

    def transcribe_pcm(self, pcm: bytes) -> Transcript:
        """The domain hearing of PCM held in memory."""
        step = BYTES_PER_SECOND // 2
        return self.transcribe_chunks(pcm[i : i + step] for i in range(0, len(pcm), step))


@dataclass(frozen=True)
class Heard:
    """One utterance as both passes heard it."""

    utterance: Utterance
    """The general model's hearing: what is shown and quoted back."""
    domain: str
    """The domain pass's text for the same stretch of audio."""

    @property
    def text(self) -> str:
        """What to decide on."""
        return decision_text(self.utterance.text, self.domain)


@dataclass
class BiasedStream:
    """Both passes on a live stream; the general one ends utterances (its endpointing and
    end-silence setting rule), then the domain pass is closed on the same audio.

    While nothing is heard only the general recogniser runs, so listening to a quiet room
    costs no more than before. The last ``preroll`` seconds of audio are kept, and once the
    general recogniser hears a word they are fed to the domain pass first, so it hears the
    utterance from its start.
    """

    general: StreamRecognizer
    """The listening loop's recogniser."""
    domain: StreamRecognizer
    """The grammar-limited recogniser (from :meth:`DomainPass.stream`)."""
    preroll: float = PREROLL_SECONDS
    """Seconds of audio kept while idle, fed to the domain pass when speech is heard."""
    waiting: deque[bytes] = field(default_factory=deque)
    """Recent frames not yet fed to the domain pass (while idle)."""
    active: bool = False
    """The general recogniser has heard something; the domain pass is being fed."""
    pending: list[str] = field(default_factory=list)
    """Domain text of parts closed early (only past 30 s of speech)."""

    def accept(self, frame: bytes) -> Heard | None:
        """Feed one frame; returns the utterance once the general stream has ended it."""
        utterance = self.general.accept(frame)
        if self.active:
            self._feed(frame)
        else:
            self.waiting.append(frame)
            while sum(map(len, self.waiting)) - len(self.waiting[0]) >= (
                self.preroll * BYTES_PER_SECOND
            ):
                self.waiting.popleft()
            if utterance is not None or self.general.partial():
                self.active = True
                while self.waiting:
                    self._feed(self.waiting.popleft())
        return None if utterance is None else self._close(utterance)

    def flush(self) -> Heard | None:
        """End of the audio: close whatever was being said."""
        utterance = self.general.flush()
        if utterance is None:
            self.reset()
            return None
        if not self.active:
            while self.waiting:
                self._feed(self.waiting.popleft())
        return self._close(utterance)

    def partial(self) -> str:
        """The general stream's partial text."""
        return self.general.partial()

    def reset(self) -> None:
        """Forget everything heard by both passes."""
        self.general.reset()
        self.domain.reset()
        self._idle()

    def _feed(self, frame: bytes) -> None:
        early = self.domain.accept(frame)
        if early is not None:
            self.pending.append(early.text)

    def _idle(self) -> None:
        self.waiting.clear()
        self.active = False
        self.pending = []

    def _close(self, utterance: Utterance) -> Heard:
        last = self.domain.flush()
        texts = [*self.pending, last.text if last is not None else ""]
        self._idle()
        return Heard(utterance, " ".join(t for t in texts if t))
