"""A second, domain-biased hearing of the same audio, to decide on.

Vosk's small general model often turns a domain word it finds unlikely into a common one
("numbness" becomes "homeless", "a fever" becomes "the moon"). A second Vosk pass whose
grammar holds only the lexicon's words (with their inflections) and a few hundred everyday
words cannot make that mistake: it has no such common word to prefer. It costs little,
because a small grammar decodes about ten times faster than the full model.

The second pass has no language model, so its text is poor to read; the transcript shown to
the person stays the general one. Advice is decided on all of them: the general text, then
"but", then each of the domain pass's few best hearings, so a concern or red flag heard by
any counts ("but" ends any negation of the part before). The benchmark (docs/benchmarks.md)
measures the gain.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.adapters.sound import RECOGNITION_RATE
from assistant.adapters.vosk_asr import BYTES_PER_SECOND, StreamRecognizer, Transcriber, Transcript
from assistant.adapters.wavio import read_16k_mono
from intents.load import load_lexicon
from intents.models import Lexicon
from intents.tokenize import IRREGULAR, stem, words

# Everyday words people wrap their concerns in; without them the grammar would force every word
# onto a domain word. Kept short on purpose: each extra word is one more way to mishear. "back"
# and "night" are not here: they carry meaning ("back pain", "worse at night").
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

ALTERNATIVES = 5
"""Best hearings of the domain pass decided on: each adds words the others missed (measured:
5 recovers more red flags than 1, with no more false ones)."""

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


def decision_text(general: str, domain: str | Sequence[str]) -> str:
    """The text advice is decided on: every hearing, joined so any of them can raise a concern."""
    hearings = [domain] if isinstance(domain, str) else list(domain)
    parts = [t.strip() for t in (general, *hearings) if t.strip()]
    return " but ".join(dict.fromkeys(parts))


def _alternatives(raw: str) -> list[str]:
    result = json.loads(raw)
    if "alternatives" not in result:
        return [result.get("text", "")]
    return [alternative.get("text", "") for alternative in result["alternatives"]]


@dataclass
class DomainRecognizer:
    """Vosk limited to the domain vocabulary, fed frame by frame; it has no endpointing of its
    own: whoever feeds it says when the utterance is over (:meth:`finish`)."""

    recognizer: Any
    """The Vosk KaldiRecognizer with the grammar and n-best output."""
    segments: list[list[str]] = field(default_factory=list)
    """For each closed segment, its alternatives, best first."""

    def accept(self, frame: bytes) -> None:
        """Feed 16 kHz mono 16-bit audio."""
        if self.recognizer.AcceptWaveform(frame):
            self.segments.append(_alternatives(self.recognizer.Result()))

    def finish(self) -> tuple[str, ...]:
        """The hearings of everything fed since the last finish, best first; then start afresh."""
        self.segments.append(_alternatives(self.recognizer.FinalResult()))
        depth = max(len(alternatives) for alternatives in self.segments)
        hearings = []
        for rank in range(depth):
            # The rank-th hearing of each segment (its best one when it has fewer).
            words = [alts[rank] if rank < len(alts) else alts[0] for alts in self.segments if alts]
            hearings.append(" ".join(w for w in words if w))
        self.reset()
        return tuple(dict.fromkeys(h for h in hearings if h))

    def reset(self) -> None:
        """Forget what was heard."""
        self.recognizer.Reset()
        self.segments = []


@dataclass
class DomainPass:
    """The domain-biased recogniser: same model, grammar limited to the domain vocabulary."""

    transcriber: Transcriber
    """The loaded general model (its acoustic model is shared, nothing is loaded twice)."""
    vocabulary: tuple[str, ...]
    """The grammar's words."""
    alternatives: int = ALTERNATIVES
    """How many of its best hearings are decided on."""

    @classmethod
    def load(cls, transcriber: Transcriber, lexicon: Lexicon | None = None) -> DomainPass:
        """Build the vocabulary from ``lexicon`` (default: the packaged one)."""
        lexicon = lexicon or load_lexicon()
        return cls(transcriber, domain_vocabulary(lexicon, model_knows(transcriber)))

    def stream(self) -> DomainRecognizer:
        """A fresh domain recogniser."""
        import vosk

        # No "[unk]" in this grammar: with it, Vosk sometimes gives a whole utterance to the
        # unknown word and hears nothing (measured in the benchmark); forcing every stretch onto
        # a vocabulary word costs no false red flags there.
        recognizer = vosk.KaldiRecognizer(
            self.transcriber.model, RECOGNITION_RATE, json.dumps(list(self.vocabulary))
        )
        recognizer.SetMaxAlternatives(self.alternatives)
        return DomainRecognizer(recognizer)

    def hear_chunks(self, chunks: Iterable[bytes]) -> Heard:
        """Both passes over 16 kHz mono 16-bit PCM in one read: the transcript to show and
        the hearings to decide on (``Heard.text``)."""
        domain = self.stream()

        def fed(source: Iterable[bytes]) -> Iterator[bytes]:
            for chunk in source:
                domain.accept(chunk)
                yield chunk

        transcript = self.transcriber.transcribe_chunks(fed(chunks))
        return Heard(transcript, domain.finish())

    def hear_file(self, path: Path) -> Heard:
        """Both passes over a WAV file of any usual format (UserError for unusable files)."""
        return self.hear_chunks(read_16k_mono(path))

    def transcribe_chunks(self, chunks: Iterable[bytes]) -> tuple[str, ...]:
        """The domain hearings of 16 kHz mono 16-bit PCM given in chunks, best first."""
        recognizer = self.stream()
        for chunk in chunks:
            recognizer.accept(chunk)
        return recognizer.finish()

    def transcribe_pcm(self, pcm: bytes) -> tuple[str, ...]:
        """The domain hearings of PCM held in memory, best first."""
        step = BYTES_PER_SECOND // 2
        return self.transcribe_chunks(pcm[i : i + step] for i in range(0, len(pcm), step))


@dataclass(frozen=True)
class Heard:
    """One utterance as both passes heard it."""

    utterance: Transcript
    """The general model's hearing: what is shown and quoted back."""
    domain: tuple[str, ...]
    """The domain pass's hearings of the same stretch of audio, best first."""

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
    domain: DomainRecognizer
    """The grammar-limited recogniser (from :meth:`DomainPass.stream`)."""
    preroll: float = PREROLL_SECONDS
    """Seconds of audio kept while idle, fed to the domain pass when speech is heard."""
    waiting: deque[bytes] = field(default_factory=deque)
    """Recent frames not yet fed to the domain pass (while idle)."""
    active: bool = False
    """The general recogniser has heard something; the domain pass is being fed."""

    def accept(self, frame: bytes) -> Heard | None:
        """Feed one frame; returns the utterance once the general stream has ended it."""
        utterance = self.general.accept(frame)
        if self.active:
            self.domain.accept(frame)
        else:
            self.waiting.append(frame)
            while sum(map(len, self.waiting)) - len(self.waiting[0]) >= (
                self.preroll * BYTES_PER_SECOND
            ):
                self.waiting.popleft()
            if utterance is not None or self.general.partial():
                self._start()
        return None if utterance is None else self._close(utterance)

    def flush(self) -> Heard | None:
        """End of the audio: close whatever was being said."""
        utterance = self.general.flush()
        if utterance is None:
            self.reset()
            return None
        if not self.active:
            self._start()
        return self._close(utterance)

    def partial(self) -> str:
        """The general stream's partial text."""
        return self.general.partial()

    def reset(self) -> None:
        """Forget everything heard by both passes."""
        self.general.reset()
        self.domain.reset()
        self.waiting.clear()
        self.active = False

    def _start(self) -> None:
        self.active = True
        while self.waiting:
            self.domain.accept(self.waiting.popleft())

    def _close(self, utterance: Transcript) -> Heard:
        heard = Heard(utterance, self.domain.finish())
        self.waiting.clear()
        self.active = False
        return heard
