"""Where the settings file lives, reading it without ever failing, and writing it atomically.

Reading never fails: a missing file gives the defaults, a broken one gives the defaults plus one
warning line, and a broken file is left alone until the user changes a setting.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import asdict
from pathlib import Path

import tomli_w

from assistant.core.errors import UserError
from assistant.core.settings import Settings, parse_settings

CONFIG_ENV = "THERAPY_ASSISTANT_CONFIG"
"""Environment variable naming the settings file; it overrides the default location."""
APP_FOLDER = "therapy-assistant"
FILE_NAME = "settings.toml"
_FIX_HINT = "Fix or delete the file; it is rewritten only when you change a setting."
_HEADER = (
    "# Settings of the therapy assistant. It rewrites this file when you change a\n"
    "# setting by voice; you may also edit it. Delete it to go back to the defaults.\n"
)


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


def spoken_warning(warning: str, path: Path | None = None) -> str:
    """The warning for the ear: without the file's path, which is printed beside it.

    Read aloud, a path is a long run of "slash" and letters that hides the words that matter.
    """
    path = default_path() if path is None else path
    return warning.replace(f" {path}", "")


def to_toml(settings: Settings) -> str:
    """The settings as TOML text; keys that are None are left out (TOML has no null)."""
    values = {key: value for key, value in asdict(settings).items() if value is not None}
    return _HEADER + tomli_w.dumps(values)


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
