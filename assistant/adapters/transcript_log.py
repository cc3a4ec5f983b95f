"""Opt-in transcript log (`--log-transcripts FILE`): what the person said, readable only by them.

Nothing is logged unless asked: by default no transcript or audio ever touches the disk.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

from assistant.core.errors import UserError

PRIVATE_MODE = 0o600


class TranscriptLog:
    """Appends one time-stamped line per utterance to a file only its owner can read."""

    def __init__(self, path: Path) -> None:
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_MODE)
            os.fchmod(descriptor, PRIVATE_MODE)  # an existing file may have been more open
        except OSError as error:
            reason = error.strerror or type(error).__name__
            raise UserError(
                f"Cannot write the transcript log {path} ({reason}); choose a file you can write."
            ) from error
        self.path = path
        self.file: TextIO = os.fdopen(descriptor, "a", encoding="utf-8")

    def write(self, speaker: str, text: str) -> None:
        """Log one line, e.g. write("person", "my knee hurts")."""
        stamp = datetime.now().isoformat(timespec="seconds")
        try:
            self.file.write(f"{stamp}\t{speaker}\t{' '.join(text.split())}\n")
            self.file.flush()
        except OSError as error:
            raise self._failed(error) from error

    def close(self) -> None:
        """Close the file."""
        try:
            self.file.close()
        except OSError as error:
            raise self._failed(error) from error

    def _failed(self, error: OSError) -> UserError:
        reason = error.strerror or type(error).__name__
        return UserError(
            f"Cannot write the transcript log {self.path} ({reason}); free some space."
        )


def logged_lines(lines: Iterable[str], log: TranscriptLog | None) -> Iterator[str]:
    """Pass lines through, logging each non-blank one as said by the person."""
    for line in lines:
        if log is not None and line.strip():
            log.write("person", line)
        yield line
