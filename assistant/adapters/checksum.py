"""File checksums, apart from archive handling: the model stamp checks them on every start,
and must not pull in the unpacking code (its progress bar imports the network modules)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in chunks so large archives do not fill memory."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
