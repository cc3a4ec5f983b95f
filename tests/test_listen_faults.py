"""Faults in the spoken conversation: the loop recovers, the person hears a short apology, and the
conversation goes on to the advice and goodbye.

The conversations are real (virtual microphone fed with espeak-ng speech, real sounddevice
streams, real Vosk, real pyttsx3 replies); only the faults that cannot be produced on demand
are injected, through the app's own interfaces, by the faults of support/faults.py. A lost
microphone is real: the capture device copies what it reads into a FIFO, and closing the FIFO's
reader breaks the capture stream with an I/O error, as unplugging a headset does. A lost speaker
is real too: its FIFO's reader closes, and a folder takes the FIFO's place until it is plugged
in again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.app.executor import GAVE_UP_EXIT_CODE, INTERNAL_FAULT
from assistant.app.voice import RECOGNITION_FAULT, SPEECH_FAILED
from assistant.core.dialogue import GIVING_UP, GOODBYE, GREETING, STOPPED
from support import REPO
from support.audio import silence
from support.faults import SPEAKER_RATE
from support.judge import hear_samples
from support.spoken_phrases import INJURY
from support.spoken_phrases import says as _says
from support.virtual_audio import make_virtual_audio, open_fifo_reader, put_in_place

GAP = 3.0  # seconds the assistant gets to answer before the person speaks again
ANKLE = INJURY  # kept short: the scenarios below name it often


def _greeting_seconds() -> float:
    from assistant.adapters.pyttsx3_speech import Synthesizer

    return Synthesizer().synthesize(GREETING).duration


# What the person says in each scenario (the microphone runs at real time from the start).
SPEECH: dict[str, Callable[[], bytes]] = {
    # The recogniser fails while the person is speaking; they say it again after the apology.
    "recognizer": lambda: silence(1) + _says(ANKLE) + silence(GAP) + _says(ANKLE)
    + silence(GAP) + _says("no") + silence(GAP) + _says("goodbye"),
    # The recogniser fails on every frame: the dialogue gives up after three apologies.
    "broken": lambda: silence(1) + _says(ANKLE) + silence(GAP),
    # Deciding fails once; they say it again.
    "internal": lambda: silence(1) + _says(ANKLE) + silence(GAP) + _says(ANKLE)
    + silence(GAP) + _says("no") + silence(GAP) + _says("goodbye"),
    # The reply cannot be spoken; they ask for it again.
    "speech": lambda: silence(1) + _says(ANKLE) + silence(GAP) + _says("no") + silence(GAP)
    + _says("repeat") + silence(GAP) + _says("goodbye"),
    # The recogniser is too slow for the first 10 s, while the person has not spoken yet.
    "overflow": lambda: silence(13) + _says(ANKLE) + silence(GAP) + _says("no")
    + silence(GAP) + _says("goodbye"),
    # After the greeting (played in real time), the person says "stop" about three seconds
    # into the twelve-second reply (the reply starts about a second after they finish).
    "barge_in": lambda: silence(_greeting_seconds() + 2) + _says(ANKLE) + silence(4)
    + _says("stop") + silence(GAP + 0.5) + _says("goodbye"),
}  # fmt: skip
SPEAKER_FIFO = {"speech", "barge_in"}


@dataclass
class Outcome:
    """What one conversation did."""

    result: dict[str, Any]
    """The scenario's result.json (exit, captions, notes, overflows, dropped, played_seconds)."""
    stderr: str
    """The scenario process's stderr."""
    folder: Path
    """Where its devices and files are."""

    @property
    def captions(self) -> list[str]:
        return list(self.result["captions"])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every scenario's conversation; they run side by side, as each takes real time."""
    running: dict[str, tuple[subprocess.Popen[str], Path]] = {}
    for name, speech in SPEECH.items():
        folder = tmp_path_factory.mktemp(name)
        audio = make_virtual_audio(folder, speech(), speaker_fifo=name in SPEAKER_FIFO)
        env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(folder / "settings.toml")}
        code = "from support.faults import main; main()"
        process = subprocess.Popen(
            [sys.executable, "-c", code, name, str(folder)],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        running[name] = (process, folder)
    done = {}
    for name, (process, folder) in running.items():
        _, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, f"{name}: {stderr}"
        result = json.loads((folder / "result.json").read_text())
        done[name] = Outcome(result, stderr, folder)
    return done


def _after(captions: list[str], line: str, notes: object = None) -> list[str]:
    assert line in captions, (captions, notes)
    return captions[captions.index(line) + 1 :]


def _is_advice(caption: str) -> bool:
    return "physiotherapy is the better fit" in caption and "knee" in caption


def _assert_recovered(outcome: Outcome, apology: str) -> None:
    """The apology was said, then the advice, then goodbye; no traceback anywhere."""
    captions = outcome.captions
    assert outcome.result["exit"] == 0
    assert captions[0] == GREETING
    # The notes say why when it goes wrong (a speaker lost for real drops the apology).
    later = _after(captions, f"Sorry. {apology}", (outcome.result["notes"], outcome.stderr))
    assert any(_is_advice(line) for line in later), captions
    assert captions[-1] == GOODBYE
    assert "Traceback" not in outcome.stderr


def test_a_recogniser_fault_mid_utterance_is_apologised_for_and_the_talk_goes_on(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["recognizer"]
    _assert_recovered(outcome, RECOGNITION_FAULT)
    # The fault is named in one line on stderr for whoever looks after the machine.
    assert "Recognition failed (FaultInjected: fault_recogniser" in outcome.stderr


def test_a_recogniser_that_keeps_failing_ends_the_talk_clearly_and_not_as_success(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["broken"]
    apology = f"Sorry. {RECOGNITION_FAULT}"
    assert outcome.captions == [GREETING, apology, apology, apology, GIVING_UP]
    assert outcome.result["exit"] == GAVE_UP_EXIT_CODE != 0
    assert "Traceback" not in outcome.stderr
    faults = [line for line in outcome.stderr.splitlines() if "Recognition failed" in line]
    assert len(faults) == 3  # one line each


def test_an_internal_fault_is_apologised_for_and_the_talk_goes_on(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["internal"]
    _assert_recovered(outcome, INTERNAL_FAULT)
    assert "A turn failed (FaultInjected: fault_advice" in outcome.stderr


def test_a_speech_engine_fault_is_apologised_for_and_repeat_speaks_the_reply(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["speech"]
    _assert_recovered(outcome, SPEECH_FAILED)
    captions = outcome.captions
    advice = [line for line in captions if _is_advice(line)]
    assert len(advice) == 2  # shown (not spoken) first, then repeated when asked
    assert _is_advice(_after(captions, f"Sorry. {SPEECH_FAILED}")[0])
    # What reached the speaker: the apology ("... say that out loud ...") and the reply that
    # failed the first time (only the reply says "diagnosis").
    played = (outcome.folder / "speaker.raw").read_bytes()
    heard = hear_samples(np.frombuffer(played, dtype="<i2").astype(np.int16), SPEAKER_RATE)
    assert {"loud", "diagnosis"} <= set(heard.split()), (heard, outcome.result["notes"])


def test_a_full_microphone_queue_drops_frames_and_the_talk_goes_on(
    outcomes: dict[str, Outcome],
) -> None:
    outcome = outcomes["overflow"]
    result = outcome.result
    assert result["dropped"] > 0  # the ten-frame queue overflowed for real
    assert result["overflows"] == result["dropped"]  # and the device itself lost nothing
    assert "Microphone queue full" in outcome.stderr
    captions = outcome.captions
    assert result["exit"] == 0
    assert any(_is_advice(line) for line in captions)
    assert captions[-1] == GOODBYE


def test_saying_stop_cuts_a_long_reply_short_and_the_talk_goes_on(
    outcomes: dict[str, Outcome],
) -> None:
    from assistant.adapters.pyttsx3_speech import Synthesizer

    outcome = outcomes["barge_in"]
    captions = outcome.captions
    assert outcome.result["exit"] == 0
    assert "… stopped by the person" in outcome.result["notes"]
    # Nothing more of that turn is said (not even the offer); the stop is shown, then goodbye.
    reply = next(line for line in captions if _is_advice(line))
    assert _after(captions, reply) == [STOPPED, GOODBYE]
    # The speaker played the greeting, part of the reply and the goodbye: well short of all.
    synthesizer = Synthesizer()
    greeting, whole_reply, goodbye = (
        synthesizer.synthesize(text).duration for text in (GREETING, reply, GOODBYE)
    )
    played = outcome.result["played_seconds"]
    assert greeting + goodbye + 1.0 < played < greeting + whole_reply + goodbye - 2.0


# -- the microphone lost mid-conversation (the real command line) ------------------------------


class _Lines:
    """Collects a pipe's lines in a thread; wait_for() blocks until a line holds some text."""

    def __init__(self, pipe: Any) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self._thread.start()

    def _read(self, pipe: Any) -> None:
        for line in pipe:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: any(text in line for line in self.lines), timeout)

    def join(self) -> list[str]:
        self._thread.join(timeout=10)
        return self.lines


def test_a_microphone_lost_mid_conversation_is_apologised_for_and_found_again(
    tmp_path: Path,
) -> None:
    first = silence(1) + _says(ANKLE) + silence(GAP) + _says("no") + silence(GAP + 1)
    audio = make_virtual_audio(tmp_path, first, trailing_silence=30, mic_tee_fifo=True)
    # The capture device copies what it reads into the tee FIFO: stop reading it once the
    # first turn has been captured...
    tee = open_fifo_reader(audio.mic_tee, limit=len(first), then="hold")
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "listen", "--mute"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    captions, notes = _Lines(process.stdout), _Lines(process.stderr)
    try:
        assert tee.reached.wait(60)
        # ...then unplug it: the device is gone (its input file too) and the stream breaks.
        audio.mic_input.unlink()
        tee.release()
        assert notes.wait_for("waiting for the microphone")
        # Plug it back in, with the person's next words.
        back = tmp_path / "back.raw"
        back.write_bytes(silence(1) + _says("goodbye") + silence(10))
        open_fifo_reader(audio.mic_tee, limit=10**12)
        os.replace(back, audio.mic_input)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    said, status = captions.join(), notes.join()
    assert any(_is_advice(line) for line in said)
    apology = next(line for line in said if "Lost the" in line)
    assert apology.startswith("Sorry. Lost the microphone") and "connected" in apology
    assert _after(said, apology) == [GOODBYE]
    assert "… the microphone is back" in status
    assert "… heard: goodbye" in status
    assert not any("Traceback" in line for line in status)


# -- the speaker lost and plugged in again (the real command line) ------------------------------


def test_a_speaker_lost_mid_conversation_is_noted_once_and_used_again_when_back(
    tmp_path: Path,
) -> None:
    speech = silence(1) + _says(ANKLE) + silence(GAP) + _says("no") + silence(GAP)
    speech += _says("repeat") + silence(GAP) + _says("goodbye")
    audio = make_virtual_audio(tmp_path, speech, speaker_fifo=True)
    # The speaker takes a third of a second of the greeting, then is unplugged: its device
    # goes, and every line tried meanwhile fails at once.
    gone = open_fifo_reader(audio.speaker_output, limit=2 * SPEAKER_RATE // 3, then="close")
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "listen"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    captions, notes = _Lines(process.stdout), _Lines(process.stderr)
    try:
        assert gone.reached.wait(60)
        assert notes.wait_for("Lost the speaker")
        # Plug it back in.
        put_in_place(audio.speaker_output, os.mkfifo)
        back = open_fifo_reader(audio.speaker_output, limit=10**12)
        assert process.wait(timeout=90) == 0
    finally:
        if process.poll() is None:
            process.kill()
    said, status = captions.join(), notes.join()
    assert said[0] == GREETING and said[-1] == GOODBYE
    assert any(_is_advice(line) for line in said)
    losses = [line for line in status if "Lost the speaker" in line]
    assert len(losses) == 1 and "connected" in losses[0], status
    assert status.index("… the speaker is back") > status.index(losses[0])
    played = np.frombuffer(bytes(back.data), dtype="<i2")
    assert len(played) > SPEAKER_RATE and np.abs(played).max() > 1000  # the later lines
    assert not any("Traceback" in line for line in status)
