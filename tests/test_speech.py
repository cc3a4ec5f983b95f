"""Tests for assistant/app/speech.py: which output speaks, the fallbacks, the screen-reader hint,
`voices`, and whole conversations through the session's real speech-dispatcher."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.adapters.natural_speech import NaturalVoice, install_hint, is_installed
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.screen_reader import Listener
from assistant.adapters.speaker import AudioSpeaker
from assistant.adapters.speech_dispatcher import SpeechDispatcherSpeaker
from assistant.app.speech import CARRYING_ON, describe_outputs, open_output
from assistant.core.controls import normalize
from assistant.core.dialogue import GOODBYE, GREETING, STOPPED
from assistant.core.settings import Settings
from support import REPO
from support.audio import silence
from support.cli_run import run_cli
from support.judge import hear_samples
from support.metrics import keyword_recall
from support.speech import espeak_to_raw16k
from support.speech_dispatcher import FILE_RATE, MonitorRecorder, PrivateDispatcher
from support.spoken_phrases import INJURY
from support.virtual_audio import make_virtual_audio

# Debian's client ends its reading thread with sys.exit() once a connection is closed: Python's
# threading ignores that, pytest reports it.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")

NATURAL = pytest.mark.skipif(
    not is_installed(), reason=f"the natural voice is not installed ({install_hint()})"
)


def _nobody() -> Listener | None:
    return None


def _orca() -> Listener | None:
    return Listener(4242, "orca")


@pytest.fixture
def no_daemon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'none.sock'}")


@pytest.fixture
def daemon(monkeypatch: pytest.MonkeyPatch, dispatcher: PrivateDispatcher) -> PrivateDispatcher:
    monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher.address)
    return dispatcher


def test_pyttsx3_speaks_when_nothing_was_chosen() -> None:
    output = open_output(None, Settings(), speaking=True, listening=_nobody)
    assert output.name == "pyttsx3" and output.notices == []
    assert isinstance(output.speaker, AudioSpeaker)
    assert isinstance(output.speaker.synthesizer, Synthesizer)


def test_beside_a_screen_reader_the_person_hears_once_how_to_choose_it() -> None:
    output = open_output(None, Settings(), speaking=True, listening=_orca)
    assert output.name == "pyttsx3"  # told, never switched
    [hint] = output.notices
    assert "Orca" in hint.text and "--speech speech-dispatcher" in hint.text
    assert 'speech = "speech-dispatcher"' in hint.text


def test_a_real_orca_process_gets_the_hint(orca: subprocess.Popen[bytes]) -> None:
    [hint] = open_output(None, Settings(), speaking=True).notices
    assert "Orca" in hint.text


def test_no_hint_once_an_output_was_chosen_or_nothing_is_spoken() -> None:
    for choice, settings in [("pyttsx3", Settings()), (None, Settings(speech="pyttsx3"))]:
        assert open_output(choice, settings, speaking=True, listening=_orca).notices == []
    assert open_output(None, Settings(), speaking=False, listening=_orca).notices == []


def test_the_command_line_choice_wins_over_the_setting(no_daemon: None) -> None:
    output = open_output("pyttsx3", Settings(speech="speech-dispatcher"), speaking=True)
    assert output.name == "pyttsx3" and output.notices == []


@pytest.mark.slow
def test_speech_dispatcher_speaks_through_the_daemon(daemon: PrivateDispatcher) -> None:
    output = open_output(None, Settings(speech="speech-dispatcher"), speaking=True, saving=True)
    assert output.name == "speech-dispatcher" and output.notices == []
    assert isinstance(output.speaker, SpeechDispatcherSpeaker)
    # The daemon hands back no sound: saved replies are made with pyttsx3.
    assert isinstance(output.renderer, Synthesizer)
    output.speaker.close()


def test_a_missing_daemon_is_one_line_and_pyttsx3_carries_on(no_daemon: None) -> None:
    output = open_output("speech-dispatcher", Settings(), speaking=True, listening=_orca)
    assert output.name == "pyttsx3" and isinstance(output.speaker, AudioSpeaker)
    [notice] = output.notices  # a chosen output: no hint on top of the error
    assert notice.kind == "error" and "\n" not in notice.text
    assert "speech-dispatcher is not running" in notice.text and CARRYING_ON in notice.text


@NATURAL
def test_natural_speaks_and_saves_with_the_natural_voice() -> None:
    output = open_output("natural", Settings(), speaking=True, saving=True)
    assert output.name == "natural" and output.notices == []
    assert isinstance(output.speaker, AudioSpeaker)
    assert isinstance(output.speaker.synthesizer, NaturalVoice)
    assert output.renderer is output.speaker.synthesizer


def test_a_natural_voice_that_cannot_load_is_one_line_and_pyttsx3_carries_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fault injected: the extra's package is hidden, as on a machine without it.
    monkeypatch.setitem(sys.modules, "piper", None)
    output = open_output("natural", Settings(), speaking=True)
    assert output.name == "pyttsx3" and isinstance(output.speaker, AudioSpeaker)
    [notice] = output.notices
    assert install_hint() in notice.text and CARRYING_ON in notice.text


@pytest.mark.slow
def test_voices_lists_what_each_output_offers(daemon: PrivateDispatcher) -> None:
    listing = describe_outputs()
    assert listing.count('(speech = "') == 3
    assert "espeak-ng" in listing  # the daemon's module, asked of the running daemon
    assert f"running at {daemon.socket}" in listing
    assert ("not installed" in listing) != is_installed()


def test_voices_says_how_to_start_a_missing_daemon(no_daemon: None) -> None:
    listing = describe_outputs()
    assert "speech-dispatcher is not running" in listing
    assert listing.count('(speech = "') == 3


@pytest.mark.slow
def test_a_typed_conversation_is_spoken_by_the_daemon(
    dispatcher_to_file: PrivateDispatcher, tmp_path: Path
) -> None:
    mark = dispatcher_to_file.spoken_bytes()
    result = run_cli(
        "listen", "--text", "--speech", "speech-dispatcher",
        stdin="goodbye\n",
        env={"SPEECHD_ADDRESS": dispatcher_to_file.address,
             "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [GREETING, GOODBYE]
    heard = hear_samples(dispatcher_to_file.spoken_since(mark), FILE_RATE)
    said = normalize(f"{GREETING} {GOODBYE}").split()
    assert keyword_recall([(said, heard)]) >= 0.5, heard


def test_listen_refuses_an_unknown_output_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "listen", "--speech", "festival"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "--speech" in result.stderr and "speech-dispatcher" in result.stderr


VOICE = "en-us+f1"  # the test voice Vosk hears best (see support/speech.py)


@pytest.mark.slow
def test_a_spoken_conversation_through_the_daemon_is_half_duplex_and_stop_cancels(
    dispatcher: PrivateDispatcher, sink: MonitorRecorder, tmp_path: Path
) -> None:
    # The person says "goodbye" while the greeting is being said: the open recogniser must not
    # hear it (the line lasts until the daemon's END, about 6 s). Then their problem; "stop"
    # while the long reply is said; and "goodbye" for real.
    person = (
        silence(2.0) + espeak_to_raw16k("goodbye", VOICE) + silence(8.0)
        + espeak_to_raw16k(INJURY, VOICE) + silence(5.0)
        + espeak_to_raw16k("stop", VOICE) + silence(6.0)
        + espeak_to_raw16k("goodbye", VOICE)
    )  # fmt: skip
    audio = make_virtual_audio(tmp_path / "devices", person)
    settings = tmp_path / "settings.toml"
    settings.write_text("safety_check = false\nearcons = false\n")
    before = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "listen", "--speech", "speech-dispatcher"],
        env={**audio.env, "SPEECHD_ADDRESS": dispatcher.address,
             "THERAPY_ASSISTANT_CONFIG": str(settings)},
        cwd=REPO, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    after = time.perf_counter()
    assert result.returncode == 0, result.stderr
    captions = result.stdout.splitlines()
    notes = result.stderr.splitlines()
    heard = [note for note in notes if "heard:" in note]
    assert heard and "knee" in heard[0], notes  # not the "goodbye" said over the greeting
    reply = next(line for line in captions if "physiotherapy is" in line)
    assert captions[0] == GREETING and captions[-1] == GOODBYE
    assert captions[captions.index(reply) + 1] == STOPPED, captions
    assert any("stopped by the person" in note for note in notes), notes
    assert len(sink.sound_between(before, after)) > 300  # seconds of the daemon's speech
