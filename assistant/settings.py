"""The user's settings: a small TOML file in the config folder, read leniently, written atomically.

Reading never fails: a missing file gives the defaults, a broken one gives the defaults plus one
warning line, and a broken file is left alone until the user changes a setting. The standard
library reads TOML but cannot write it, so the few keys are written by hand here.
"""

from __future__ import annotations

import math
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import UserError

CONFIG_ENV = "THERAPY_ASSISTANT_CONFIG"
"""Environment variable naming the settings file; it overrides the default location."""
APP_FOLDER = "therapy-assistant"
FILE_NAME = "settings.toml"

RATE_MIN, RATE_MAX, RATE_STEP = 100, 300, 25
"""Speech rate bounds and the step of one "slower"/"faster", in words a minute."""
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP = 0.2, 1.0, 0.2
"""Volume bounds (1.0 is the engine's full volume; never fully silent) and one step."""
TIMEOUT_MAX = 3600.0
"""Longest no-speech timeout in seconds; 0 turns the timeout off."""
END_SILENCE_MIN, END_SILENCE_MAX = 0.2, 5.0
"""Seconds of trailing silence that end an utterance."""


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
    end_silence: float = 0.8
    """Seconds of trailing silence that end an utterance."""
    device: str | int | None = None
    """Microphone name or index; None for the system default."""


def default_path() -> Path:
    """Where the settings live: $THERAPY_ASSISTANT_CONFIG, else the XDG config folder."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"
    return base / APP_FOLDER / FILE_NAME


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Read the settings file; return the settings and a one-line warning if something was off.

    Never raises and never writes: a missing file is the defaults without a warning.
    """
    path = default_path() if path is None else path
    if path.exists() and not path.is_file():
        # Reading a pipe would wait forever; a folder cannot be read at all.
        return Settings(), (
            f"Cannot read the settings file {path} (not a regular file); using the defaults. "
            "Delete it."
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return Settings(), (
            f"Cannot read the settings file {path} ({reason}); using the defaults. "
            "Fix its permissions or delete it."
        )
    settings, problems = parse_settings(data)
    if not problems:
        return settings, None
    return settings, f"Settings file {path}: {'; '.join(problems)}. {_FIX_HINT}"


_FIX_HINT = "Fix or delete the file; it is rewritten only when you change a setting."


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


def _clamped(number: float, low: float, high: float) -> tuple[float, str | None]:
    if number < low:
        return low, f"{number:g} is below {low:g}, using {low:g}"
    if number > high:
        return high, f"{number:g} is above {high:g}, using {high:g}"
    return number, None


def _check_rate(value: object) -> _Check:
    number = _number(value)
    if number is None:
        return _INVALID, "must be a whole number of words a minute, using the default"
    clamped, problem = _clamped(round(number), RATE_MIN, RATE_MAX)
    return int(clamped), problem


def _check_volume(value: object) -> _Check:
    number = _number(value)
    if number is None:
        return _INVALID, "must be a number from 0.2 to 1.0, using the default"
    return _clamped(number, VOLUME_MIN, VOLUME_MAX)


def _check_timeout(value: object) -> _Check:
    number = _number(value)
    if number is None:
        return _INVALID, "must be a number of seconds (0 turns it off), using the default"
    return _clamped(number, 0.0, TIMEOUT_MAX)


def _check_end_silence(value: object) -> _Check:
    number = _number(value)
    if number is None:
        return _INVALID, "must be a number of seconds, using the default"
    return _clamped(number, END_SILENCE_MIN, END_SILENCE_MAX)


def _check_earcons(value: object) -> _Check:
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


_CHECKS = {
    "rate": _check_rate,
    "voice": _check_voice,
    "volume": _check_volume,
    "earcons": _check_earcons,
    "no_speech_timeout": _check_timeout,
    "end_silence": _check_end_silence,
    "device": _check_device,
}


def to_toml(settings: Settings) -> str:
    """The settings as TOML text; keys that are None are left out (TOML has no null)."""
    lines = [
        "# Settings of the therapy assistant. It rewrites this file when you change a",
        "# setting by voice; you may also edit it. Delete it to go back to the defaults.",
    ]
    for field in fields(Settings):
        value = getattr(settings, field.name)
        if value is not None:
            lines.append(f"{field.name} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr gives the shortest text that reads back to the same float, always with "." or "e".
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _toml_string(text: str) -> str:
    """A TOML basic string: escape the quote, the backslash and control characters."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically: a temporary file in the same folder, then os.replace.

    A reader (or a crash) sees either the old file or the new one, never half of one.
    Raises UserError when the folder cannot be written.
    """
    path = default_path() if path is None else path
    text = to_toml(settings)
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w",
            encoding="utf-8",
            dir=path.parent,
            prefix=f".{path.name}.",
            suffix=".tmp",
            delete=False,
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise UserError(
            f"Cannot save the settings to {path} ({reason}): make the folder writable "
            f"or choose another file with {CONFIG_ENV}."
        ) from None
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)
