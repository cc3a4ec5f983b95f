"""Real human speech with transcripts, from Debian packages: the word error rate's ground truth.

- ``asterisk``: the Asterisk telephone prompts read by one US speaker (Allison Smith,
  CC-BY-SA-3.0), Debian's asterisk-core-sounds-en-wav (8 kHz WAV files), with their text in
  asterisk-core-sounds-en's core-sounds-en.txt.gz. Prompts whose text is not what is said
  ("[ascending tones]", "(10 seconds of silence)"), or whose numbers can be read more than one
  way ("dial 500", "28.8", "H.323"), are left out.
- ``librivox``: five clips of Sense and Sensibility read for LibriVox, 16 kHz, from Debian's
  pocketsphinx-testdata.

References are normalised as recognisers write (:func:`support.metrics.normalise`), so
"press 1" is scored against "press one".
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import UserError
from support.audio import Samples, raw_to_samples, wav_to_raw
from support.metrics import normalise

ASTERISK_SOUNDS = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ASTERISK_TEXT = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
PACKAGES = {
    "asterisk": "asterisk-core-sounds-en-wav asterisk-core-sounds-en",
    "librivox": "pocketsphinx-testdata",
}
"""The Debian packages each corpus comes from."""

# Not speech, a note about the recording, or a number whose reading is ambiguous.
_UNUSABLE = re.compile(r"[\[\](){}]|\w\.\w|\d{3,}|\d[A-Za-z]|[A-Za-z]\d")
_SPHINX_LINE = re.compile(r"\s*(?:<s>)?(.*?)(?:</s>)?\s*\(([^)\s]+)[^)]*\)\s*$")


@dataclass(frozen=True)
class Recording:
    """One recording of a person and what they said."""

    corpus: str
    """Which set it belongs to ("asterisk" or "librivox")."""
    name: str
    """Its name in that set ("vm-options", "digits/5", a LibriVox file id)."""
    path: Path
    """The WAV file."""
    text: str
    """The transcript as published."""

    @property
    def reference(self) -> str:
        """The transcript as a recogniser would write it."""
        return normalise(self.text)

    def samples(self) -> Samples:
        """The recording as 16 kHz mono int16 (sox, repeatably)."""
        return raw_to_samples(wav_to_raw(self.path.read_bytes()))


def _require(corpus: str, path: Path) -> None:
    if not path.exists():
        raise UserError(
            f"{path} is missing; install the {corpus} recordings: "
            f"apt-get install {PACKAGES[corpus]} (or run scripts/install-system-packages.sh)"
        )


def usable(text: str) -> bool:
    """Whether a prompt's text is exactly what is said, in one reading."""
    return bool(normalise(text)) and _UNUSABLE.search(text) is None


def parse_asterisk(lines: list[str]) -> dict[str, str]:
    """Prompt name to text, from core-sounds-en.txt's ``name: text`` lines (";" comments).

    The text itself may hold colons, so each line is split at its first one.
    """
    prompts = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(";") or ":" not in line:
            continue
        name, text = line.split(":", 1)
        prompts[name.strip()] = text.strip()
    return prompts


def asterisk_prompts(min_words: int = 1) -> list[Recording]:
    """Every usable Asterisk prompt with at least ``min_words`` words, sorted by name."""
    _require("asterisk", ASTERISK_TEXT)
    _require("asterisk", ASTERISK_SOUNDS)
    with gzip.open(ASTERISK_TEXT, "rt", encoding="utf-8", errors="replace") as file:
        prompts = parse_asterisk(file.read().splitlines())
    recordings = []
    for name, text in sorted(prompts.items()):
        path = ASTERISK_SOUNDS / f"{name}.wav"
        if path.exists() and usable(text) and len(normalise(text).split()) >= min_words:
            recordings.append(Recording("asterisk", name, path, text))
    return recordings


def parse_sphinx(lines: list[str]) -> dict[str, str]:
    """File id to text, from Sphinx transcription lines (``<s> text </s> (file_id)``)."""
    clips = {}
    for line in lines:
        if match := _SPHINX_LINE.match(line):
            clips[match.group(2)] = match.group(1).strip()
    return clips


def librivox_clips() -> list[Recording]:
    """The five LibriVox clips, in the transcription's order."""
    _require("librivox", LIBRIVOX / "transcription")
    lines = (LIBRIVOX / "transcription").read_text(encoding="utf-8").splitlines()
    return [
        Recording("librivox", file_id, LIBRIVOX / f"{file_id}.wav", text)
        for file_id, text in parse_sphinx(lines).items()
    ]


def spread(recordings: list[Recording], count: int) -> list[Recording]:
    """``count`` recordings evenly spaced through the list (all when it has no more)."""
    if count >= len(recordings):
        return list(recordings)
    step = len(recordings) / count
    return [recordings[int(k * step)] for k in range(count)]
