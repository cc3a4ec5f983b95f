"""The hands-free conversation on the real path: a virtual microphone fed with espeak-ng
speech, the real sounddevice stream, real Vosk, the real decision, and real pyttsx3 replies
that are transcribed again with Vosk to check what the person would have heard."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.vosk_asr import Transcript
from assistant.app.voice import BARGE_IN_WORD, BargeIn, choose_text
from assistant.core.controls import normalize
from assistant.core.dialogue import GOODBYE, GREETING, SLOWER_DONE
from support import REPO
from support.audio import silence
from support.judge import hear_wav
from support.metrics import keyword_recall
from support.spoken_phrases import INJURY, NOT_SURE, STRESS, says
from support.virtual_audio import VirtualAudio, make_virtual_audio

GAP_SECONDS = 3.0  # time the assistant gets to answer before the person speaks again


def _person_says(*utterances: str) -> bytes:
    """What the virtual microphone hears: each utterance, then a pause for the reply."""
    audio = silence(1.0)
    for text in utterances:
        audio += says(text) + silence(GAP_SECONDS)
    return audio


def _listen(
    audio: VirtualAudio, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(audio.directory / "settings.toml")}
    return subprocess.run(
        [sys.executable, "-m", "assistant", "listen", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def conversation(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path, VirtualAudio]:
    folder = tmp_path_factory.mktemp("conversation")
    speech = _person_says(
        NOT_SURE,
        INJURY,
        "no",
        "repeat",
        "slower",
        "tell me more",
        "goodbye",
    )
    audio = make_virtual_audio(folder / "devices", speech)
    replies = folder / "replies"
    result = _listen(audio, "--mute", "--save-replies", str(replies))
    return result, replies, audio


def test_whole_spoken_conversation_ends_with_goodbye(conversation) -> None:  # type: ignore[no-untyped-def]
    result, _, _ = conversation
    assert result.returncode == 0, result.stderr
    captions = result.stdout.splitlines()
    assert captions[0] == GREETING
    assert captions[-1] == GOODBYE


def test_unclear_answer_gets_a_clarifying_question_then_advice(conversation) -> None:  # type: ignore[no-untyped-def]
    result, _, _ = conversation
    captions = result.stdout.splitlines()
    assert captions[1].endswith("?")  # the clarifying question
    advice = [line for line in captions if "physiotherapy is" in line]
    assert len(advice) == 2  # the recommendation and its repeat
    assert advice[0] == advice[1]
    assert "knee" in advice[0]


def test_slower_and_tell_me_more_work_by_voice(conversation) -> None:  # type: ignore[no-untyped-def]
    result, _, audio = conversation
    captions = result.stdout.splitlines()
    assert SLOWER_DONE in captions
    assert any("assessment" in line and len(line) > 300 for line in captions)  # tell me more
    settings = (audio.directory / "settings.toml").read_text()
    assert "rate = 150" in settings  # one step slower, kept for next time


def test_saved_reply_is_the_reply_when_heard_again(conversation) -> None:  # type: ignore[no-untyped-def]
    result, replies, _ = conversation
    spoken = sorted(replies.glob("*-reply.wav"))
    assert spoken
    reply = next(line for line in result.stdout.splitlines() if "physiotherapy is" in line)
    heard = hear_wav(spoken[0].read_bytes())
    # espeak-ng renders the same text a little differently each time within a process, and the
    # small model hears its default voice poorly: half the words is a clear match, while the
    # wrong line (or silence) shares only a few small ones.
    assert keyword_recall([(normalize(reply).split(), heard)]) >= 0.45, (reply, heard)


def test_replies_are_played_on_the_speaker_with_tones(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, _person_says(STRESS, "no", "goodbye"))
    result = _listen(audio)
    assert result.returncode == 0, result.stderr
    played = audio.speaker_samples()
    assert len(played) > 0 and np.abs(played).max() > 1000
    assert "massage" in result.stdout.lower()


def test_assistant_saying_stop_does_not_stop_itself(transcriber) -> None:  # type: ignore[no-untyped-def]
    from assistant.adapters.pyttsx3_speech import Synthesizer
    from assistant.adapters.wavio import Resampler
    from assistant.core.dialogue import HELP_OPEN

    assert " stop" in HELP_OPEN  # the help sentence really contains the word
    own_voice = Synthesizer().synthesize(HELP_OPEN)
    samples = Resampler(own_voice.sample_rate).process(own_voice.samples.astype(np.float32) / 32768)
    pcm = (samples * 32767).astype("<i2").tobytes() + bytes(32000)
    barge_in = BargeIn(transcriber.stream(grammar=[BARGE_IN_WORD], end_silence=0.3))
    assert not any(barge_in.feed(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200))


def test_person_saying_stop_is_a_barge_in(transcriber) -> None:  # type: ignore[no-untyped-def]
    # The microphone has been running while the assistant spoke, so the word is not at the
    # very start of the stream.
    pcm = silence(0.5) + says("stop") + silence(1.0)
    barge_in = BargeIn(transcriber.stream(grammar=[BARGE_IN_WORD], end_silence=0.3))
    assert any(barge_in.feed(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200))


def _heard(text: str, unknown: int = 0) -> Transcript:
    return Transcript(text, (), unknown)


def test_a_clean_command_from_the_grammar_beats_a_short_mishearing() -> None:
    assert choose_text(_heard("don't mind"), _heard("goodbye"), "open") == "goodbye"
    assert choose_text(_heard("the beat"), _heard("repeat"), "short") == "repeat"


def test_a_description_is_never_replaced_by_a_command() -> None:
    description = "i have had a stiff neck for weeks"
    assert choose_text(_heard(description), _heard("help"), "open") == description


def test_a_grammar_result_with_unknown_speech_is_not_a_command() -> None:
    assert choose_text(_heard("stop it"), _heard("stop", unknown=1), "short") == "stop it"
    assert choose_text(None, _heard("", unknown=2), "short") == ""
