"""Spoken controls ("repeat", "slower", "goodbye" ...) recognised as whole short utterances.

A control is matched only when the whole utterance is one of its phrases, give or take polite
filler ("could you speak up please"). Matching words inside a longer sentence would turn "my
back has been stopping me from sleeping" into the stop command. `control_prefix` finds a control
at the start of a longer utterance; the dialogue uses it only when the sentence describes no
problem at all.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Control(StrEnum):
    """What a short utterance asks the assistant to do."""

    YES = "yes"
    NO = "no"
    REPEAT = "repeat"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    HELP = "help"
    STOP = "stop"
    START_OVER = "start over"
    MORE = "tell me more"
    GOODBYE = "goodbye"
    EARCONS_OFF = "sounds off"
    EARCONS_ON = "sounds on"
    THANKS = "thank you"


# The first phrase of each entry is the one the help text uses. Phrases are written the way
# `normalize` leaves text: lower case, no punctuation, contractions spelled out.
PHRASES: dict[Control, tuple[str, ...]] = {
    Control.YES: (
        "yes", "yeah", "yep", "yup", "sure", "okay", "alright", "all right", "of course",
        "yes please", "please do", "go ahead", "definitely", "i would", "i do", "why not",
    ),
    Control.NO: (
        "no", "nope", "nah", "no thanks", "no thank you", "not really", "not now", "no need",
        "i am good", "i am fine", "no it is fine",
    ),
    Control.REPEAT: (
        "repeat", "repeat that", "repeat it", "say that again", "say it again", "again",
        "what did you say", "what was that", "pardon", "pardon me", "sorry", "come again",
        "once more", "one more time", "i did not catch that", "i missed that", "what", "huh",
        "excuse me", "repeat yourself", "say again",
    ),
    Control.SLOWER: (
        "slower", "slow down", "more slowly", "speak slower", "speak more slowly",
        "talk slower", "talk more slowly", "too fast", "not so fast", "you are too fast",
        "slowly", "go slower", "slow",
    ),
    Control.FASTER: (
        "faster", "speed up", "more quickly", "speak faster", "speak more quickly",
        "talk faster", "quicker", "too slow", "hurry up", "go faster", "fast",
    ),
    Control.LOUDER: (
        "louder", "speak up", "volume up", "turn it up", "turn up the volume", "more volume",
        "i cannot hear you", "cannot hear you", "speak louder", "talk louder", "too quiet",
        "too soft", "loud",
    ),
    Control.QUIETER: (
        "quieter", "softer", "volume down", "turn it down", "turn down the volume",
        "less volume", "too loud", "speak quieter", "speak more quietly", "speak softer",
        "speak more softly", "more quietly", "more softly", "not so loud", "lower your voice",
    ),
    Control.HELP: (
        "help", "what can i say", "what do i say", "what can i do", "options", "instructions",
        "how does this work", "what are my options", "commands", "help me",
    ),
    Control.STOP: (
        "stop", "stop talking", "stop it", "stop that", "be quiet", "quiet", "silence",
        "shush", "hush", "enough", "that is enough", "pause", "wait", "hold on", "shut up",
    ),
    Control.START_OVER: (
        "start over", "start again", "restart", "begin again", "start from the beginning",
        "from the beginning", "new question", "reset", "let us start over",
        "let us start again", "over again", "another question", "something else",
    ),
    Control.MORE: (
        "tell me more", "more", "more please", "more details", "more information",
        "tell me more about it", "explain", "explain more", "explain that", "why",
        "go on", "details", "what else", "tell me why", "why is that", "how so",
    ),
    Control.GOODBYE: (
        "goodbye", "bye", "bye bye", "see you", "see you later", "that is all", "that is it",
        "quit", "exit", "cancel", "i am done", "we are done", "finish", "finished", "end",
        "done", "close", "stop listening", "good night", "farewell", "talk to you later",
        "i have to go", "that will be all", "nothing else",
    ),
    Control.EARCONS_OFF: (
        "sounds off", "earcons off", "beeps off", "tones off", "no beeps", "no sounds",
        "no tones", "turn off the sounds", "turn the sounds off", "turn off the beeps",
        "turn the beeps off", "turn off earcons", "stop the beeps", "stop the sounds",
    ),
    Control.EARCONS_ON: (
        "sounds on", "earcons on", "beeps on", "tones on", "turn on the sounds",
        "turn the sounds on", "turn on the beeps", "turn the beeps on", "turn on earcons",
    ),
    Control.THANKS: (
        "thank you", "thanks", "thanks a lot", "thank you very much", "cheers", "great",
        "that helps", "that is helpful", "perfect", "got it",
    ),
}

_LEADING_FILLERS = (
    "okay", "ok", "please", "um", "uh", "er", "erm", "hmm", "well", "so", "oh", "hey", "now",
    "just", "and", "but", "then", "can you", "could you", "would you", "will you", "i said",
    "i want to", "i would like to", "a little", "a bit", "little", "bit", "a lot", "much",
    "thanks", "thank you", "sorry", "actually",
)
_TRAILING_FILLERS = (
    "please", "now", "thanks", "thank you", "a bit", "a little", "bit", "then", "okay", "ok",
    "for me", "a lot", "for now", "for today", "thank you very much",
)

# At the start of a longer utterance only phrases that open with a command word count:
# "sorry, I meant my shoulder" or "I do a lot of running" must not become controls.
_PREFIX_FIRST_WORDS = frozenset(
    {"stop", "goodbye", "bye", "repeat", "slower", "faster", "louder", "quieter", "yes", "no",
     "help", "restart", "quit", "exit", "cancel", "say", "speak", "talk", "slow", "speed", "turn",
     "tell", "start", "begin", "volume", "explain", "thank", "thanks", "sounds", "beeps",
     "earcons", "tones"}
)

_CONTRACTIONS = {
    "that's": "that is", "i'm": "i am", "can't": "cannot", "let's": "let us",
    "what's": "what is", "don't": "do not", "didn't": "did not", "we're": "we are",
    "you're": "you are", "it's": "it is", "i've": "i have", "i'd": "i would",
    "won't": "will not", "couldn't": "could not", "ok": "okay",
}
_SPELLINGS = (("good bye", "goodbye"), ("can not", "cannot"), ("all right", "alright"))

_LOOKUP: dict[str, Control] = {
    phrase: control for control, phrases in PHRASES.items() for phrase in phrases
}


def normalize(text: str) -> str:
    """Lower case, punctuation and Vosk's "[unk]" removed, contractions spelled out."""
    text = text.lower().replace("\u2019", "'").replace("[unk]", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = [_CONTRACTIONS.get(word, word).strip("'") for word in text.split()]
    text = " ".join(word for word in words if word)
    for spelling, canonical in _SPELLINGS:
        text = re.sub(rf"\b{spelling}\b", canonical, text)
    return text


# "all right" and "alright" are one phrase after normalising; keep the lookup in step.
_LOOKUP.update({normalize(phrase): control for phrase, control in list(_LOOKUP.items())})


def match_control(text: str) -> Control | None:
    """The control the whole utterance asks for, or None if it is anything else."""
    words = normalize(text).split()
    seen: set[tuple[str, ...]] = set()
    while words and tuple(words) not in seen:
        seen.add(tuple(words))
        phrase = " ".join(_collapse_repeats(words))
        if phrase in _LOOKUP:
            return _LOOKUP[phrase]
        words = _strip_one_filler(words)
    return None


def control_prefix(text: str) -> Control | None:
    """The control a longer utterance starts with ("goodbye and thanks"), or None."""
    words = normalize(text).split()
    while True:
        stripped = _strip_leading(words)
        if stripped == words:
            break
        words = stripped
    for size in range(min(len(words), 5), 0, -1):
        phrase = " ".join(words[:size])
        if phrase in _LOOKUP and words[0] in _PREFIX_FIRST_WORDS:
            return _LOOKUP[phrase]
    return None


def _collapse_repeats(words: list[str]) -> list[str]:
    """ "stop stop stop" -> "stop"; "no no" -> "no" (but "bye bye" is a phrase of its own)."""
    if " ".join(words) in _LOOKUP:
        return words
    for size in range(1, len(words) // 2 + 1):
        if len(words) % size == 0 and words == words[:size] * (len(words) // size):
            return words[:size]
    return words


def _strip_leading(words: list[str]) -> list[str]:
    for filler in sorted(_LEADING_FILLERS, key=len, reverse=True):
        parts = filler.split()
        if words[: len(parts)] == parts and len(words) > len(parts):
            return words[len(parts) :]
    return words


def _strip_trailing(words: list[str]) -> list[str]:
    for filler in sorted(_TRAILING_FILLERS, key=len, reverse=True):
        parts = filler.split()
        if words[-len(parts) :] == parts and len(words) > len(parts):
            return words[: -len(parts)]
    return words


def _strip_one_filler(words: list[str]) -> list[str]:
    stripped = _strip_leading(words)
    return stripped if stripped != words else _strip_trailing(words)


CONTROL_VOCABULARY: tuple[str, ...] = (
    "yes", "yes please", "no", "no thanks", "repeat", "say that again", "what did you say",
    "pardon", "again", "slower", "more slowly", "slow down", "faster", "speed up", "louder",
    "speak up", "quieter", "softer", "help", "stop", "start over", "start again",
    "tell me more", "more", "explain", "why", "goodbye", "bye", "that's all", "quit", "exit",
    "cancel", "sounds off", "turn on the sounds", "thanks",
)
"""The phrases a grammar-restricted recogniser listens for when a short answer is expected.

Deliberately short: Vosk treats a grammar as a bag of words, so every extra variant adds words
that get mixed into wrong results ("tell me more" came back as "that will be more" with all the
variants in). Some choices were measured with espeak-ng voices: "thank you" often came back as
"you" and "sounds on" as nothing, so "thanks" and "turn on the sounds" stand in for them. Every
word must be in the small English model's vocabulary ("earcons" is not).
"""
