"""The voice conversation's wiring (assistant/app/listen.py), on the real devices and model."""

from __future__ import annotations

import json
from pathlib import Path

from support.audio import silence
from support.spoken_phrases import INJURY, says
from support.virtual_audio import make_virtual_audio, run_python

# The real conversation, with the real advice function wrapped to record who called it when.
_CONVERSATION = """
import contextlib, io, json, sys, threading
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.speaker import AudioSpeaker
from assistant.adapters.vosk_asr import Transcriber
from assistant.app.listen import voice_conversation
from assistant.core.advice import advise
from assistant.core.settings import Settings

status = io.StringIO()
calls = []

def recorded(text):
    listened = status.getvalue().count("… listening")
    calls.append([text, threading.current_thread().name, listened])
    return advise(text)

settings = Settings(no_speech_timeout=0, safety_check=False)
synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
conversation = voice_conversation(
    settings, Transcriber.load(), AudioSpeaker(synthesizer), synthesizer,
    advise_fn=recorded, captions=io.StringIO(), status=status,
)
with contextlib.closing(conversation):
    code = conversation.run()
print(json.dumps({"exit": code, "calls": calls}))
"""


def test_the_lexicon_is_built_in_the_background_once_listening_has_begun(
    tmp_path: Path,
) -> None:
    speech = silence(1.0)
    for text in (INJURY, "goodbye"):
        speech += says(text) + silence(3.0)
    audio = make_virtual_audio(tmp_path, speech)
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")}
    result = run_python(_CONVERSATION, env, timeout=120)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["exit"] == 0
    first, *turns = outcome["calls"]
    # The warm-up: off the conversation's thread, and not before the first "listening".
    assert first[0] == "" and first[1] == "warm-up" and first[2] >= 1, first
    assert turns, "the description was never decided"
    assert all(name == "MainThread" and text for text, name, _ in turns), turns
