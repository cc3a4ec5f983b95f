"""Safety review of the advice: every red flag of the domain's table, in several phrasings,
typed and spoken, sends the person to medical care at the table's urgency, and the first thing
they hear says what to do (call emergency services now, or see a doctor today).

The phrasings are data (support/data/red_flags_spoken.tsv). Typed, every one must escalate. Spoken
(espeak-ng en-us+f1 at 140 wpm, then the real Vosk model), every phrasing of the spoken set must
escalate, with no skipping: the set holds those Vosk hears well enough, as measured when the
file was written; the rest are a measured limit, not a pass. One red flag also goes through the
whole spoken conversation on the virtual microphone.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.vosk_asr import Transcriber
from assistant.core.advice import Advice, advise
from assistant.core.dialogue import GOODBYE, GREETING, OFFER_AFTER_WARNING
from assistant.core.replies import CALL_NOW, SEE_TODAY
from support import REPO
from support.audio import clip_audio, silence
from support.corpora import SpokenRedFlag, spoken_red_flags
from support.faults import SPEAKER_RATE, SpeakerRecorder
from support.judge import hear_samples
from support.speech import espeak_samples, espeak_to_raw16k
from support.spoken_phrases import CHEST_PAIN
from support.virtual_audio import make_virtual_audio

TABLE = REPO.parent / "shared" / "domain" / "red-flags.md"
SPOKEN_VOICE, SPOKEN_RATE = "en-us+f1", 140
FIRST_WORDS = {"emergency": CALL_NOW, "urgent": SEE_TODAY}
# The plain meaning each opening must carry, whatever its exact wording.
FIRST_MEANING = {"emergency": ("emergency services", "now"), "urgent": ("doctor", "today")}


PHRASINGS = spoken_red_flags()
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


def assert_escalates(advice: Advice, phrasing: SpokenRedFlag, heard: str | None = None) -> None:
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
def test_a_typed_red_flag_escalates_with_the_right_first_sentence(phrasing: SpokenRedFlag) -> None:
    assert_escalates(advise(phrasing.text), phrasing)


@pytest.mark.parametrize("phrasing", SPOKEN, ids=[p.text for p in SPOKEN])
def test_a_spoken_red_flag_escalates_with_the_right_first_sentence(
    phrasing: SpokenRedFlag, transcriber: Transcriber
) -> None:
    # Half a second of quiet around the words, as a microphone hears them; hearing is
    # repeatable (the dither is seeded), so this floor cannot depend on which tests ran before.
    said = espeak_samples(phrasing.text, SPOKEN_VOICE, SPOKEN_RATE)
    heard = transcriber.transcribe_pcm(clip_audio(said, None, np.random.default_rng(0))).text
    assert_escalates(advise(heard), phrasing, heard)


# Gaps this review found and the lexicon now covers: kept as regressions.
FORMER_GAPS = [
    SpokenRedFlag("fracture or dislocation", "urgent", False, "i think my wrist is broken"),
    SpokenRedFlag("fracture or dislocation", "urgent", False, "my arm is broken"),
]


@pytest.mark.parametrize("phrasing", FORMER_GAPS, ids=[p.text for p in FORMER_GAPS])
def test_former_typed_gap_escalates(phrasing: SpokenRedFlag) -> None:
    assert_escalates(advise(phrasing.text), phrasing)


def test_a_red_flag_in_a_spoken_conversation_is_said_first_and_aloud(tmp_path: Path) -> None:
    speech = silence(1) + espeak_to_raw16k(CHEST_PAIN, SPOKEN_VOICE) + silence(3.0)
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
