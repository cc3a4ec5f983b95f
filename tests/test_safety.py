"""Safety review of the advice: every red flag of the domain's table, in several phrasings,
typed and spoken, sends the person to medical care at the table's urgency, and the first thing
they hear says what to do (call emergency services now, or see a doctor today).

The phrasings are data (tests/data/red_flags_spoken.tsv). Typed, every one must escalate. Spoken
(espeak-ng en-us+f1 at 140 wpm, then the real Vosk model), every phrasing of the spoken set must
escalate, with no skipping: the set holds those Vosk hears well enough, as measured when the
file was written; the rest are a measured limit, not a pass. One red flag also goes through the
whole spoken conversation on the virtual microphone.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant.advice import Advice, advise
from assistant.asr import Transcriber
from assistant.dialogue import GOODBYE, GREETING, OFFER_AFTER_WARNING
from assistant.replies import CALL_NOW, SEE_TODAY
from tests.fault_injection import SPEAKER_RATE, SpeakerRecorder
from tests.judge import hear_samples
from tests.speech import espeak_wav
from tests.virtual_mic import REPO, espeak_to_raw16k, make_virtual_audio, silence

DATA = Path(__file__).parent / "data" / "red_flags_spoken.tsv"
TABLE = REPO.parent / "shared" / "domain" / "red-flags.md"
SPOKEN_VOICE, SPOKEN_RATE = "en-us+f1", 140
FIRST_WORDS = {"emergency": CALL_NOW, "urgent": SEE_TODAY}
# The plain meaning each opening must carry, whatever its exact wording.
FIRST_MEANING = {"emergency": ("emergency services", "now"), "urgent": ("doctor", "today")}


@dataclass(frozen=True)
class Phrasing:
    """One way a person may mention a red flag."""

    concern: str
    """The table row's "Likely concern"."""
    urgency: str
    """The level the table gives it: "emergency" or "urgent"."""
    spoken: bool
    """In the spoken set: must escalate when heard by Vosk too."""
    text: str
    """The words."""


def load_phrasings() -> list[Phrasing]:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            concern, urgency, spoken, text = line.split("\t")
            assert spoken in ("yes", "no"), line
            rows.append(Phrasing(concern, urgency, spoken == "yes", text))
    return rows


PHRASINGS = load_phrasings()
SPOKEN = [phrasing for phrasing in PHRASINGS if phrasing.spoken]


def _table_rows() -> list[tuple[str, set[str]]]:
    """(likely concern, its levels) for each row of the domain's red-flag table."""
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or set(cells[0]) <= set("-") or cells[2] == "Level":
            continue  # not a row, the rule under the header, or the header
        rows.append((cells[1], set(re.findall(r"emergency|urgent", cells[2]))))
    return rows


def _first_sentence(reply: str) -> str:
    return reply.split(". ")[0] + "."


def assert_escalates(advice: Advice, phrasing: Phrasing, heard: str | None = None) -> None:
    """See a doctor, at the table's urgency, and the reply opens with what to do."""
    where = f"{phrasing.text!r}" + (f" heard as {heard!r}" if heard is not None else "")
    decision = advice.decision
    assert decision.recommendation == "see_doctor", where
    assert decision.urgency == phrasing.urgency, where
    first = _first_sentence(advice.reply.reply)
    assert first == FIRST_WORDS[phrasing.urgency], where
    assert all(word in first.lower() for word in FIRST_MEANING[phrasing.urgency]), first


@pytest.mark.skipif(not TABLE.exists(), reason="the domain notes are not beside this checkout")
def test_every_row_of_the_red_flag_table_has_phrasings_typed_and_spoken() -> None:
    rows = _table_rows()
    assert len(rows) >= 13
    for concern, levels in rows:
        assert levels, concern
        mine = [p for p in PHRASINGS if p.concern == concern and p.urgency in levels]
        assert len(mine) >= 3, f"{concern} ({levels}): too few phrasings"
        assert any(p.spoken for p in mine), f"{concern} ({levels}): none in the spoken set"
        # Two levels (a clot; an emergency with breathing or chest signs): both are covered.
        assert {p.urgency for p in mine} == levels, concern
    known = {(concern, level) for concern, levels in rows for level in levels}
    assert {(p.concern, p.urgency) for p in PHRASINGS} <= known  # nothing outside the table


@pytest.mark.parametrize("phrasing", PHRASINGS, ids=[p.text for p in PHRASINGS])
def test_a_typed_red_flag_escalates_with_the_right_first_sentence(phrasing: Phrasing) -> None:
    assert_escalates(advise(phrasing.text), phrasing)


@pytest.mark.parametrize("phrasing", SPOKEN, ids=[p.text for p in SPOKEN])
def test_a_spoken_red_flag_escalates_with_the_right_first_sentence(
    phrasing: Phrasing, tmp_path: Path
) -> None:
    wav = espeak_wav(phrasing.text, tmp_path / "said.wav", SPOKEN_VOICE, SPOKEN_RATE)
    # A freshly loaded model for each hearing (see tests/judge.py): this floor must not depend
    # on which tests ran before.
    heard = Transcriber.load().transcribe_file(wav).text
    assert_escalates(advise(heard), phrasing, heard)


# Gaps this review found and the lexicon now covers: kept as regressions.
FORMER_GAPS = [
    Phrasing("fracture or dislocation", "urgent", False, "i think my wrist is broken"),
    Phrasing("fracture or dislocation", "urgent", False, "my arm is broken"),
]


@pytest.mark.parametrize("phrasing", FORMER_GAPS, ids=[p.text for p in FORMER_GAPS])
def test_former_typed_gap_escalates(phrasing: Phrasing) -> None:
    assert_escalates(advise(phrasing.text), phrasing)


def test_a_red_flag_in_a_spoken_conversation_is_said_first_and_aloud(tmp_path: Path) -> None:
    speech = silence(1) + espeak_to_raw16k("my chest hurts", SPOKEN_VOICE) + silence(3.0)
    speech += espeak_to_raw16k("goodbye", SPOKEN_VOICE)
    audio = make_virtual_audio(tmp_path, speech, speaker_fifo=True)
    recorder = SpeakerRecorder(audio.speaker_output, realtime=False)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "assistant", "listen"],
            env={**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")},
            cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    finally:
        recorder.close()
    assert result.returncode == 0, result.stderr
    captions = result.stdout.splitlines()
    assert captions[0] == GREETING
    assert captions[1].startswith(CALL_NOW + " ")
    assert captions[2:] == [OFFER_AFTER_WARNING, GOODBYE]
    # Heard again from the speaker: right after the greeting, the call to emergency services.
    played = np.frombuffer(bytes(recorder.data), dtype="<i2").astype(np.int16)
    heard = hear_samples(played, SPEAKER_RATE)
    after_greeting = heard.split("massage therapy", 1)[-1].split()
    assert "emergency" in after_greeting[:4], heard
