"""Speech to text with Vosk: whole files, and a streaming recogniser for the listening loop."""

from __future__ import annotations

import ctypes
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.adapters.model_store import (
    HearingModel,
    general_model_note,
    hearing_model_dir,
    load_vosk_model,
    resolve_model_dir,
)
from assistant.adapters.sound import RECOGNITION_RATE
from assistant.adapters.wavio import read_16k_mono
from assistant.core.errors import UserError
from assistant.core.hearing import Alternative

BYTES_PER_SECOND = RECOGNITION_RATE * 2
"""Bytes of 16 kHz mono 16-bit audio in one second."""
UNKNOWN_WORD = "[unk]"
# However long the silence setting, an utterance this long is closed so the loop never stalls.
MAX_UTTERANCE_SECONDS = 30.0
MIN_END_SILENCE = 0.2
"""No utterance ends on a shorter silence than this, whatever the policy says."""
WORDS_CATCH_UP = 0.3
"""Seconds the recogniser's words must have stood still before a policy may end an utterance:
Vosk reports the last word a little after it was said, and the policy judges the words."""
NOISE_MARGIN = 0.5
"""When the sound never goes quiet (a noisy room), the words standing still this much longer
than the policy asks end the utterance instead."""

SilencePolicy = Callable[[str], float]
"""Seconds of silence that end an utterance, given the words heard so far."""


@dataclass(frozen=True)
class Word:
    """One recognised word with its timing."""

    word: str
    """The word as Vosk wrote it (lower case)."""
    start: float
    """Start time in seconds from the beginning of the audio."""
    end: float
    """End time in seconds."""
    conf: float | None
    """Vosk's confidence, 0 to 1; None when N-best hearings were asked for (Vosk gives none)."""


@dataclass(frozen=True)
class Transcript:
    """The text of a whole recording."""

    text: str
    """All words, space separated, lower case."""
    words: tuple[Word, ...] = ()
    """Each word with its timing and confidence."""
    unknown: int = 0
    """Stretches of speech a grammar recogniser heard as none of its phrases ("[unk]")."""
    alternatives: tuple[Alternative, ...] = ()
    """The recogniser's N-best hearings, best first (the first is ``text``), when it was asked
    for them; empty otherwise."""

    def to_json(self) -> dict[str, Any]:
        """Plain data for `transcribe --json`."""
        return {
            "text": self.text,
            "words": [
                {
                    "word": w.word,
                    "start": w.start,
                    "end": w.end,
                    "conf": None if w.conf is None else round(w.conf, 3),
                }
                for w in self.words
            ],
        }


def _parse_result(raw: str) -> Transcript:
    """One Vosk result: plain (text, words with confidence) or N-best ("alternatives", each
    with a likelihood score and words without confidence)."""
    result = json.loads(raw)
    if "alternatives" in result:
        hearings = [_parse_result(json.dumps(a)) for a in result["alternatives"]]
        if not hearings:
            return Transcript("")
        best = hearings[0]
        shares = _shares([float(a.get("confidence", 0.0)) for a in result["alternatives"]])
        alternatives = tuple(
            Alternative(h.text, share) for h, share in zip(hearings, shares, strict=True)
        )
        return Transcript(best.text, best.words, best.unknown, alternatives)
    words = tuple(
        Word(item["word"], item["start"], item["end"], item.get("conf"))
        for item in result.get("result", [])
        if item["word"] != UNKNOWN_WORD
    )
    heard = result.get("text", "").split()
    text = " ".join(w for w in heard if w != UNKNOWN_WORD)
    return Transcript(text, words, heard.count(UNKNOWN_WORD))


def _shares(scores: Sequence[float]) -> list[float]:
    """Vosk's N-best scores are log-likelihoods: each hearing's share of their sum."""
    top = max(scores)
    weights = [math.exp(score - top) for score in scores]
    total = sum(weights)
    return [weight / total for weight in weights]


def _join(parts: Iterable[Transcript]) -> Transcript:
    """Segments of one utterance as one transcript.

    Its alternatives are the best hearing, then the best hearing with one segment heard
    another way; each is as likely as its segments' hearings together, and their shares are
    renormalised to sum to 1.
    """
    parts = [part for part in parts if part.text or part.unknown or part.alternatives]
    best = [part.text for part in parts]
    alternatives: list[Alternative] = []
    if any(part.alternatives for part in parts):
        best_shares = [part.alternatives[0].share if part.alternatives else 1.0 for part in parts]
        alternatives.append(Alternative(_words(best), math.prod(best_shares)))
        for i, part in enumerate(parts):
            others = math.prod(best_shares[:i] + best_shares[i + 1 :])
            for other in part.alternatives[1:]:
                text = _words([*best[:i], other.text, *best[i + 1 :]])
                alternatives.append(Alternative(text, other.share * others))
        total = sum(a.share for a in alternatives)
        alternatives = [Alternative(a.text, a.share / total) for a in alternatives]
    return Transcript(
        _words(best),
        tuple(w for part in parts for w in part.words),
        sum(part.unknown for part in parts),
        tuple(alternatives),
    )


def _words(texts: Iterable[str]) -> str:
    return " ".join(text for text in texts if text)


_C_LIBRARY = ctypes.CDLL(None)
DITHER_SEED = 1
"""Seed of the C library's random numbers, set for every new recogniser (see below)."""


def _repeatable_dither() -> None:
    """Kaldi adds a little random noise ("dither") to every audio frame, as the model was trained
    with, drawn from the C library's ``rand()``. Seeding it for each new recogniser keeps that
    noise but makes it the same every time: the same audio always gives the same words,
    whatever was heard before in the process."""
    _C_LIBRARY.srand(DITHER_SEED)


class Transcriber:
    """A loaded Vosk model; load once, then transcribe any number of recordings."""

    def __init__(self, model: Any, note: str | None = None) -> None:
        self.model = model
        self.note = note
        """One line to show the person when the adapted model could not be used, else None."""

    @classmethod
    def load(cls, model_dir: Path | None = None) -> Transcriber:
        """The product's hearing: the domain-adapted model when it matches the lexicon in use,
        else the general model with a :attr:`note` saying so (see
        :func:`assistant.adapters.model_store.hearing_model_dir`); ``model_dir`` is used as
        given."""
        return cls.for_hearing(hearing_model_dir(model_dir))

    @classmethod
    def for_hearing(cls, choice: HearingModel) -> Transcriber:
        """Load the model chosen for hearing; a damaged adapted model gives way to the general
        one, with a note."""
        if not choice.adapted:
            return cls(load_vosk_model(choice.path), choice.note)
        try:
            return cls(load_vosk_model(choice.path))
        except UserError:  # damaged: hear with the general model rather than not at all
            problem = f"in {choice.path} could not be loaded"
            note = general_model_note(problem, "model adapt --force")
            return cls(load_vosk_model(choice.general), note)

    @classmethod
    def load_general(cls, model_dir: Path | None = None, note: str | None = None) -> Transcriber:
        """The general English model (lookup order of
        :func:`assistant.adapters.model_store.resolve_model_dir`), for plain transcription and
        for judging what the assistant's own replies sound like."""
        return cls(load_vosk_model(resolve_model_dir(model_dir)), note)

    def _recognizer(self, grammar: Sequence[str] | None = None, alternatives: int = 0) -> Any:
        import vosk

        _repeatable_dither()
        if grammar is None:
            recognizer = vosk.KaldiRecognizer(self.model, RECOGNITION_RATE)
        else:
            phrases = [*grammar, UNKNOWN_WORD]
            recognizer = vosk.KaldiRecognizer(self.model, RECOGNITION_RATE, json.dumps(phrases))
        recognizer.SetWords(True)
        if alternatives > 1:
            # N-best costs no measurable decoding time, but its words carry no confidence.
            recognizer.SetMaxAlternatives(alternatives)
        return recognizer

    def transcribe_chunks(self, chunks: Iterable[bytes], alternatives: int = 0) -> Transcript:
        """Transcribe 16 kHz mono 16-bit PCM given in chunks; with ``alternatives`` > 1 also
        keep up to that many N-best hearings."""
        recognizer = self._recognizer(alternatives=alternatives)
        parts = []
        for chunk in chunks:
            if recognizer.AcceptWaveform(chunk):
                parts.append(_parse_result(recognizer.Result()))
        parts.append(_parse_result(recognizer.FinalResult()))
        return _join(parts)

    def transcribe_pcm(self, pcm: bytes, alternatives: int = 0) -> Transcript:
        """Transcribe 16 kHz mono 16-bit PCM held in memory."""
        step = BYTES_PER_SECOND // 2
        chunks = (pcm[i : i + step] for i in range(0, len(pcm), step))
        return self.transcribe_chunks(chunks, alternatives)

    def transcribe_file(self, path: Path, alternatives: int = 0) -> Transcript:
        """Transcribe a WAV file of any usual format; UserError for files that are not usable."""
        return self.transcribe_chunks(read_16k_mono(path), alternatives)

    def stream(
        self,
        grammar: Sequence[str] | None = None,
        end_silence: float = 0.8,
        alternatives: int = 0,
        silence_needed: SilencePolicy | None = None,
    ) -> StreamRecognizer:
        """A live recogniser; with a grammar it only hears those words and phrases; with
        ``alternatives`` > 1 its utterances keep that many N-best hearings. ``silence_needed``
        decides from the words heard so far how long a silence ends an utterance (else it is
        always ``end_silence``)."""
        recognizer = self._recognizer(grammar, alternatives)
        return StreamRecognizer(recognizer, end_silence, silence_needed=silence_needed)


class SpeechEnergy:
    """Speech told from background sound by loudness: a 20 ms stretch is voiced when it is well
    above the quietest sound of the last few seconds (the noise floor), two in a row."""

    STRETCH = 320
    """Samples in one stretch (20 ms at 16 kHz)."""
    ABOVE_FLOOR_DB = 9.0
    """How much louder than the floor speech is."""
    FLOOR_RISE_DB = 0.05
    """How fast the floor follows a louder room, per stretch (2.5 dB a second)."""

    def __init__(self) -> None:
        self.floor: float | None = None
        self.loud_before = False

    def last_voiced_in(self, frame: bytes) -> float | None:
        """Seconds into ``frame`` at which its last voiced stretch ends, or None."""
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float64)
        last = None
        for start in range(0, len(samples) - self.STRETCH + 1, self.STRETCH):
            stretch = samples[start : start + self.STRETCH]
            level = 10 * math.log10(float(np.mean(stretch**2)) + 1.0)
            self.floor = (
                level if self.floor is None else min(self.floor + self.FLOOR_RISE_DB, level)
            )
            loud = level > self.floor + self.ABOVE_FLOOR_DB
            if loud and self.loud_before:
                last = (start + self.STRETCH) / RECOGNITION_RATE
            self.loud_before = loud
        return last


@dataclass
class StreamRecognizer:
    """Streaming recognition whose utterances end after a silence.

    How long a silence ends an utterance is ``end_silence``, or what ``silence_needed`` says
    for the words heard so far (a complete sentence ends sooner than one that stops on "and").
    Vosk's own endpointing closes segments after about half a second; segments are gathered
    until the person has been quiet long enough, so slow speakers are not cut off. Quiet time
    runs from the end of the last recognised word of a closed segment (Vosk's word timings), or
    from when the partial text last changed. Before an open segment's silence ends the
    utterance, the segment is closed and judged again: its final decode can add a last word
    ("and") that the partial never showed.
    """

    recognizer: Any
    """The Vosk KaldiRecognizer being fed."""
    end_silence: float = 0.8
    """Seconds of silence after the last word that end an utterance (without a policy)."""
    stream_seconds: float = 0.0
    """Audio fed so far; Vosk's word times use the same clock."""
    utterance_start: float = 0.0
    """When (in `stream_seconds`) the utterance in progress began."""
    last_speech: float = 0.0
    """When (in `stream_seconds`) speech was last known to go on."""
    last_partial: str = ""
    """The current partial text of the open segment."""
    segments: list[Transcript] = field(default_factory=list)
    """Closed segments of the utterance in progress."""
    silence_needed: SilencePolicy | None = None
    """Seconds of silence that end an utterance, from the words heard so far."""
    voice: SpeechEnergy = field(default_factory=lambda: SpeechEnergy())
    """Tells speech from the room's own sound, frame by frame."""
    last_voiced: float = 0.0
    """When (in `stream_seconds`) the sound was last loud enough to be speech."""
    closed_partial: str = ""
    """The partial text of the segment Vosk closed last, as it stood just before: the closing
    decode often drops an unfinished ending ("my back is killing me and" -> "... beyond")."""
    _needed_for: tuple[tuple[str, ...], float] = ((), 0.0)
    """The hearings the policy was last asked about, and its answer."""

    def accept(self, frame: bytes) -> Transcript | None:
        """Feed 16 kHz mono 16-bit audio; returns the utterance once it has ended."""
        if (voiced_until := self.voice.last_voiced_in(frame)) is not None:
            self.last_voiced = self.stream_seconds + voiced_until
        self.stream_seconds += len(frame) / BYTES_PER_SECOND
        if self.recognizer.AcceptWaveform(frame):
            self._close_segment(self.recognizer.Result())
        else:
            partial = json.loads(self.recognizer.PartialResult()).get("partial", "")
            partial = " ".join(w for w in partial.split() if w != UNKNOWN_WORD)
            if partial != self.last_partial:
                self.last_partial = partial
                self.last_speech = self.stream_seconds  # words still coming: not quiet yet
        if not (self.segments or self.last_partial):
            return None
        if self.stream_seconds - self.utterance_start >= MAX_UTTERANCE_SECONDS:
            return self.flush()
        if not (self._ended() or (self.last_partial and self._sound_ended())):
            return None
        if self.last_partial:
            # The partial lags behind the speech and often lacks the last word ("... in march"
            # while "and" was said): close the segment, as the flush would, and judge it by its
            # final words and their timings instead of waiting for the partial to catch up.
            self._close_segment(self.recognizer.FinalResult())
            if self.segments and not self._ended():
                return None
        return self.flush()

    def _close_segment(self, result: str) -> None:
        """Take the segment Vosk closed (``result``) into the utterance in progress."""
        self.closed_partial = self.last_partial
        segment = _parse_result(result)
        self.last_partial = ""
        if segment.text or segment.unknown:
            self.segments.append(segment)
            self.last_speech = segment.words[-1].end if segment.words else self.stream_seconds

    def _ended(self) -> bool:
        words_quiet = self.stream_seconds - self.last_speech
        if self.silence_needed is None:
            return words_quiet >= self.end_silence
        sound_quiet = self.stream_seconds - self.last_voiced
        if min(sound_quiet, words_quiet) < MIN_END_SILENCE:
            return False  # no policy ends it this soon: skip asking
        needed = self._needed()
        return (sound_quiet >= needed and words_quiet >= WORDS_CATCH_UP) or (
            words_quiet >= needed + NOISE_MARGIN
        )

    def _sound_ended(self) -> bool:
        """The sound has been quiet as long as the words heard so far ask, whether or not the
        recogniser's words have caught up with it."""
        if self.silence_needed is None:
            return False
        sound_quiet = self.stream_seconds - self.last_voiced
        return sound_quiet >= MIN_END_SILENCE and sound_quiet >= self._needed()

    def _needed(self) -> float:
        """The silence the policy asks for the words heard so far (asked once per wording)."""
        hearings = tuple(self._hearings())
        if self._needed_for[0] != hearings:
            assert self.silence_needed is not None
            # In doubt, wait: the words as closed and as they stood before both have their say.
            self._needed_for = (hearings, max(self.silence_needed(h) for h in hearings))
        return self._needed_for[1]

    def partial(self) -> str:
        """What has been heard so far in the utterance in progress."""
        return " ".join([*(s.text for s in self.segments), self.last_partial]).strip()

    def _hearings(self) -> list[str]:
        """What has been heard so far; and, while nothing new has come since Vosk closed a
        segment, the same with that segment as it read before it was closed."""
        heard = self.partial()
        if self.last_partial or not self.segments or not self.closed_partial:
            return [heard]
        closed = self.segments[-1].text.split()
        shown = self.closed_partial.split()
        if closed[: len(shown)] == shown:
            # The closing decode only added the words the partial had not caught up with
            # ("... my legs are going" -> "... going numb"): nothing was dropped to doubt.
            return [heard]
        before = [*(s.text for s in self.segments[:-1]), self.closed_partial]
        return [heard, " ".join(before).strip()]

    def flush(self) -> Transcript | None:
        """Close the utterance in progress (at end of speech or of the stream)."""
        parts = [*self.segments, _parse_result(self.recognizer.FinalResult())]
        self.reset()
        utterance = _join(parts)
        return utterance if utterance.text or utterance.unknown else None

    def reset(self) -> None:
        """Forget everything heard, e.g. after the assistant has spoken."""
        self.recognizer.Reset()
        self.segments = []
        self.last_partial = self.closed_partial = ""
        self.utterance_start = self.last_speech = self.last_voiced = self.stream_seconds
