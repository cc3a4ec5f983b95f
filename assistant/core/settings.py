"""The user's settings as values: their bounds, and how a settings file's contents are read.

Reading is lenient: unknown keys are ignored, values of the wrong type give the default, and
numbers out of range are clamped, each with a short note for the one warning line the person
sees. Where the file lives and how it is written is :mod:`assistant.adapters.settings_file`.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

RATE_MIN, RATE_MAX, RATE_STEP = 100, 300, 25
"""Speech rate bounds and the step of one "slower"/"faster", in words a minute."""
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP = 0.2, 1.0, 0.2
"""Volume bounds (1.0 is the engine's full volume; never fully silent) and one step."""
TIMEOUT_MAX = 3600.0
"""Longest no-speech timeout in seconds; 0 turns the timeout off."""
END_SILENCE_MIN, END_SILENCE_MAX, END_SILENCE_STEP = 0.2, 5.0, 0.5
"""Bounds of the longest silence that ends an utterance, and one "wait for me" step (s)."""
SPEECH_OUTPUTS = ("pyttsx3", "speech-dispatcher", "natural")
"""The ways to speak: pyttsx3 with espeak-ng (the default), speech-dispatcher (beside a screen
reader), and the natural (neural) voice of the optional extra."""


@dataclass(frozen=True)
class Settings:
    """What the user can change and what is kept for next time."""

    rate: int = 175
    """Speech rate in words a minute."""
    voice: str | None = None
    """Text-to-speech voice id or name; None for the engine's default."""
    volume: float = 1.0
    """Speech volume from 0.2 to 1.0."""
    earcons: bool = True
    """Whether to play the short "listening" and "heard" tones."""
    no_speech_timeout: float = 10.0
    """Seconds of silence before a gentle reminder; 0 turns it off."""
    end_silence: float = 1.2
    """The longest silence that ends an utterance, in seconds: after "and", "um" or "in my";
    a complete sentence ends sooner (assistant/core/turn_taking.toml)."""
    device: str | int | None = None
    """Microphone name or index; None for the system default."""
    safety_check: bool = True
    """Ask about the red flags that fit what was heard before the first therapy advice."""
    speech: str | None = None
    """One of SPEECH_OUTPUTS; None: not chosen, so pyttsx3 (and a hint beside a screen reader)."""


def parse_settings(data: bytes) -> tuple[Settings, list[str]]:
    """Turn the file's bytes into settings plus short descriptions of anything ignored or fixed."""
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return Settings(), ["it is not UTF-8 text, so the defaults are used"]
    except tomllib.TOMLDecodeError as error:
        return Settings(), [f"it is not valid TOML ({error}), so the defaults are used"]
    return settings_from_mapping(table)


def settings_from_mapping(table: Mapping[str, object]) -> tuple[Settings, list[str]]:
    """Build settings from parsed values: unknown keys ignored, bad types dropped, clamped."""
    problems: list[str] = []
    known = {f.name for f in fields(Settings)}
    problems += [f"unknown key '{key}' ignored" for key in table if key not in known]
    defaults = Settings()
    # Any: each check has already made its value the right type for its field.
    values: dict[str, Any] = {}
    for field in fields(Settings):  # in field order, so the warning reads the same each time
        if field.name not in table:
            continue
        value, problem = _CHECKS[field.name](table[field.name])
        if problem:
            problems.append(f"{field.name} {problem}")
        values[field.name] = getattr(defaults, field.name) if value is _INVALID else value
    return replace(defaults, **values), problems


_INVALID = object()
"""Marks a value of the wrong type: the default is used instead."""

_Check = tuple[object, str | None]


def _number(value: object) -> float | None:
    """The value as a finite number, or None (TOML booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@dataclass(frozen=True)
class _Bounded:
    """A number kept between two bounds; out of range is clamped, the wrong type is refused."""

    low: float
    high: float
    wrong_type: str
    """Said when the value is not a number at all."""
    whole: bool = False
    """Rounded to a whole number (the speech rate)."""

    def __call__(self, value: object) -> _Check:
        number = _number(value)
        if number is None:
            return _INVALID, self.wrong_type
        if self.whole:
            number = round(number)
        if number < self.low:
            clamped, problem = self.low, f"{number:g} is below {self.low:g}, using {self.low:g}"
        elif number > self.high:
            clamped, problem = self.high, f"{number:g} is above {self.high:g}, using {self.high:g}"
        else:
            clamped, problem = number, None
        return (int(clamped) if self.whole else clamped), problem


def _check_switch(value: object) -> _Check:
    if isinstance(value, bool):
        return value, None
    return _INVALID, "must be true or false, using the default"


def _check_voice(value: object) -> _Check:
    if isinstance(value, str):
        return (value.strip() or None), None
    return _INVALID, "must be text, using the default voice"


def _check_device(value: object) -> _Check:
    if isinstance(value, str):
        return (value.strip() or None), None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, None
    return _INVALID, "must be a microphone name or a number from 0, using the default"


def _check_speech(value: object) -> _Check:
    if isinstance(value, str) and value.strip() in SPEECH_OUTPUTS:
        return value.strip(), None
    return _INVALID, f"must be one of {', '.join(SPEECH_OUTPUTS)}, using the default"


_CHECKS: dict[str, Callable[[object], _Check]] = {
    "rate": _Bounded(
        RATE_MIN, RATE_MAX, "must be a whole number of words a minute, using the default", True
    ),
    "voice": _check_voice,
    "volume": _Bounded(
        VOLUME_MIN, VOLUME_MAX, "must be a number from 0.2 to 1.0, using the default"
    ),
    "earcons": _check_switch,
    "no_speech_timeout": _Bounded(
        0.0, TIMEOUT_MAX, "must be a number of seconds (0 turns it off), using the default"
    ),
    "end_silence": _Bounded(
        END_SILENCE_MIN, END_SILENCE_MAX, "must be a number of seconds, using the default"
    ),
    "device": _check_device,
    "safety_check": _check_switch,
    "speech": _check_speech,
}
