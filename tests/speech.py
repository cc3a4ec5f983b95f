"""Real speech for tests, made with espeak-ng at test time."""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

# Two clearly different voices; the keyword floors below were measured with exactly these.
TEST_VOICES = (("en-us+f1", 140), ("en-gb", 140))
DATA_DIR = Path(__file__).parent / "data"


def espeak_wav(text: str, path: Path, voice: str = "en-us+f1", rate: int = 140) -> Path:
    """Speak text into a WAV file (espeak-ng's own 22 050 Hz mono 16-bit)."""
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
    return path


def header_only_wav(path: Path) -> Path:
    """A WAV file with a valid header and no audio at all."""
    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", 0)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def load_keyword_sentences() -> list[tuple[str, list[str]]]:
    """The domain sentences and the keywords each must yield."""
    rows = []
    for line in (DATA_DIR / "asr_sentences.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            sentence, keywords = line.split("\t")
            rows.append((sentence, keywords.split(",")))
    return rows
