"""Tests for assistant/adapters/speech_dispatcher.py against the real daemon.

Each daemon is private (support/speech_dispatcher.py, started once a session in conftest.py):
speech-dispatcher with its espeak-ng module, speaking into a PulseAudio null sink that plays in
real time, whose monitor is recorded (for timing, queueing and cancelling), or into a file as fast
as it speaks (for what it said, heard again with Vosk). espeak-ng says the same text a little
differently from one utterance to the next, and the small model hears its default voice poorly,
so what was heard is judged by the share of the sentence's words found, not by one word.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.devices import PlaybackError
from assistant.adapters.sound import Spoken
from assistant.adapters.speech_dispatcher import (
    ESPEAK_MAX,
    ESPEAK_MIN,
    ESPEAK_NORMAL,
    SpeechDispatcherSpeaker,
    _Events,
    speechd_module,
    ssip_rate,
    ssip_volume,
)
from assistant.core.advice import advise
from assistant.core.controls import normalize
from assistant.core.dialogue import GREETING
from assistant.core.errors import UserError
from assistant.core.events import Say
from assistant.core.settings import RATE_MAX, RATE_MIN, Settings
from support.judge import hear_raw16k, hear_samples
from support.metrics import keyword_recall
from support.speech_dispatcher import (
    FILE_RATE,
    MonitorRecorder,
    PrivateDispatcher,
    private_dispatcher,
)

# Debian's client ends its reading thread with sys.exit() once a connection is closed: Python's
# threading ignores that, pytest reports it.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")

REPLY = advise("i twisted my ankle playing football").reply.reply
LONG = (
    "My calf is hot, red and swollen after a long flight, and the pain gets worse when I walk "
    "up the stairs or stand for a long time in the kitchen."
)
RECALL_FLOOR = 0.5
"""Share of a line's words Vosk must find in what the daemon said (the wrong line or silence
share only a few small words)."""
SINK_RECALL_FLOOR = 0.35
"""The same, for what the real-time null sink played."""


@pytest.fixture
def speaker(
    dispatcher: PrivateDispatcher, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SpeechDispatcherSpeaker]:
    monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher.address)
    speaker = SpeechDispatcherSpeaker.connect(Settings())
    yield speaker
    speaker.close()


def _recall(text: str, heard: str) -> float:
    return keyword_recall([(normalize(text).split(), heard)])


def _speak_in_thread(
    speaker: SpeechDispatcherSpeaker, text: str
) -> tuple[threading.Thread, list[Spoken | BaseException]]:
    """Say ``text`` in a thread, as the voice loop does; the list gets what speak() gave."""
    outcome: list[Spoken | BaseException] = []

    def run() -> None:
        try:
            outcome.append(speaker.speak(Say(text, "reply")))
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.slow
@pytest.mark.parametrize("line", [GREETING, REPLY])
def test_each_line_reaches_the_daemon_and_is_what_it_says(
    dispatcher_to_file: PrivateDispatcher, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher_to_file.address)
    speaker = SpeechDispatcherSpeaker.connect(Settings())
    try:
        mark = dispatcher_to_file.spoken_bytes()
        spoken = speaker.speak(Say(line, "reply"))
    finally:
        speaker.close()
    assert spoken.finished and spoken.first_sound_at is not None
    heard = hear_samples(dispatcher_to_file.spoken_since(mark), FILE_RATE)
    other = REPLY if line == GREETING else GREETING
    assert _recall(line, heard) >= RECALL_FLOOR, (line, heard)
    assert _recall(line, heard) > _recall(other, heard) + 0.2, (line, heard)


@pytest.mark.slow
def test_the_null_sink_plays_the_line_as_it_is_spoken(
    speaker: SpeechDispatcherSpeaker, sink: MonitorRecorder
) -> None:
    mark = sink.mark()
    spoken = speaker.speak(Say(REPLY, "reply"))
    time.sleep(0.3)  # the sink's latency
    assert spoken.finished
    heard = hear_raw16k(sink.since(mark))
    # In real time on a shared machine the sound can stutter: a lower floor than the file's.
    assert _recall(REPLY, heard) >= SINK_RECALL_FLOOR, heard


@pytest.mark.slow
def test_speak_lasts_from_before_the_first_sound_to_after_the_last(
    speaker: SpeechDispatcherSpeaker, sink: MonitorRecorder
) -> None:
    # The half-duplex rule rests on this: while speak() runs, the line is heard, and once it
    # returns (at END) nothing of it is left to hear.
    recorder = sink
    called = time.perf_counter()
    spoken = speaker.speak(Say(LONG, "reply"))
    returned = time.perf_counter()
    time.sleep(0.5)
    sound = recorder.sound_between(called - 1.0, returned + 0.5)
    assert spoken.finished and spoken.first_sound_at is not None
    assert len(sound) > 100  # seconds of speech, in 10 ms blocks
    # BEGIN comes with the first sound: it is timed when our client's thread takes it, which a
    # busy machine can delay a little past the sound itself.
    assert called <= spoken.first_sound_at <= sound[0] + 0.2
    assert sound[-1] <= returned


@pytest.mark.slow
def test_stop_cancels_the_line_at_once(
    speaker: SpeechDispatcherSpeaker, sink: MonitorRecorder
) -> None:
    recorder = sink
    thread, outcome = _speak_in_thread(speaker, LONG)
    time.sleep(1.5)
    stopped = time.perf_counter()
    speaker.stop()
    thread.join(timeout=5)
    returned = time.perf_counter()
    time.sleep(3.0)
    assert not thread.is_alive() and outcome == [Spoken(False, 0.0, outcome[0].first_sound_at)]
    # Most of the line's ten seconds were still to come: the CANCEL event came back, not its end.
    assert returned - stopped < 2.0
    # On a busy machine the daemon's module can take a moment to stop its sound; what must not
    # come is the rest of the line.
    assert recorder.sound_between(stopped + 1.0, stopped + 3.0) == []
    assert recorder.sound_between(stopped - 0.5, stopped)


@pytest.mark.slow
def test_our_lines_queue_with_orcas_instead_of_over_them(
    speaker: SpeechDispatcherSpeaker, dispatcher: PrivateDispatcher
) -> None:
    speechd = speechd_module()
    orca = speechd.SSIPClient("orca", address=dispatcher.address, autospawn=False)
    orca.set_priority(speechd.Priority.MESSAGE)  # as Orca does
    orca_events: list[tuple[str, float]] = []
    done = threading.Event()

    def on_event(event_type: str, **_: object) -> None:
        orca_events.append((event_type, time.perf_counter()))
        done.set()

    try:
        # Orca is speaking when our line comes: ours waits for its end, neither is cut off.
        orca.speak(LONG, callback=on_event, event_types=("end", "cancel"))
        time.sleep(0.8)
        called = time.perf_counter()
        spoken = speaker.speak(Say(GREETING, "greeting"))
        assert done.wait(10)
        assert [name for name, _ in orca_events] == ["end"]
        assert spoken.finished and spoken.first_sound_at is not None
        # Orca's line had most of its ten seconds to go: ours began only after it. (Each time
        # is when a client's thread took the event, so the two are not compared directly.)
        assert spoken.first_sound_at - called > 5.0

        # We are speaking when Orca's line comes: it waits for ours; our stop cancels only ours.
        orca_events.clear()
        done.clear()
        thread, outcome = _speak_in_thread(speaker, LONG)
        time.sleep(0.8)
        orca.speak(GREETING, callback=on_event, event_types=("end", "cancel"))
        time.sleep(0.8)
        speaker.stop()
        thread.join(timeout=5)
        assert isinstance(outcome[0], Spoken) and not outcome[0].finished
        assert done.wait(15)
        assert [name for name, _ in orca_events] == ["end"]
    finally:
        orca.close()


@pytest.mark.slow
def test_the_users_rate_and_volume_hold_until_ours_are_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with private_dispatcher(default_rate=-60) as dispatcher:  # this user likes it slow
        recorder = MonitorRecorder(dispatcher)
        monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher.address)
        speaker = SpeechDispatcherSpeaker.connect(Settings())
        try:

            def say() -> tuple[float, int]:
                """How long the daemon took to say the line, and its loudest sample."""
                mark = recorder.mark()
                called = time.perf_counter()
                speaker.speak(Say(LONG, "reply"))
                seconds = time.perf_counter() - called
                time.sleep(0.3)
                samples = np.frombuffer(recorder.since(mark), dtype="<i2")
                return seconds, int(np.abs(samples).max())

            users, users_peak = say()
            speaker.follow(Settings(rate=250))  # "faster", said by the person
            ours, ours_peak = say()
            speaker.follow(Settings(rate=250, volume=0.4))  # then "quieter"
            _, quieter_peak = say()
        finally:
            speaker.close()
            recorder.close()
    assert ours < 0.7 * users
    assert quieter_peak < 0.8 * ours_peak and ours_peak > 0.8 * users_peak


def test_a_missing_daemon_is_one_line_naming_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SPEECHD_ADDRESS", f"unix_socket:{tmp_path / 'none.sock'}")
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(UserError) as caught:
        SpeechDispatcherSpeaker.connect(Settings())
    message = caught.value.message
    assert "speech-dispatcher is not running" in message and "start it with" in message
    assert str(tmp_path / "none.sock") in message
    assert not (tmp_path / ".cache").exists()  # no autospawn with the system configuration


@pytest.mark.slow
def test_a_daemon_lost_while_speaking_is_a_playback_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with private_dispatcher() as dispatcher:
        monkeypatch.setenv("SPEECHD_ADDRESS", dispatcher.address)
        speaker = SpeechDispatcherSpeaker.connect(Settings())
        thread, outcome = _speak_in_thread(speaker, LONG)
        time.sleep(1.0)
        dispatcher.processes[-1].terminate()  # the daemon goes away mid-line
        dispatcher.processes[-1].wait(timeout=10)
        thread.join(timeout=10)
        assert not thread.is_alive()
        with pytest.raises(PlaybackError) as later:
            speaker.speak(Say(GREETING, "greeting"))
    assert isinstance(outcome[0], PlaybackError), outcome
    for error in (outcome[0], later.value):
        assert "speech-dispatcher" in error.message and "start it with" in error.message


def test_events_that_come_before_the_message_id_are_kept() -> None:
    events = _Events()
    events(7, 1, "begin")  # the daemon was quicker than SPEAK's reply
    events(7, 1, "end")
    finished, began = events.outcome(7, alive=lambda: True)
    assert finished and began is not None


def test_a_cancelled_message_is_not_finished() -> None:
    events = _Events()
    events(3, 1, "cancel")
    assert events.outcome(3, alive=lambda: True) == (False, None)


def test_rates_are_sent_as_espeak_ng_speaks_them() -> None:
    ends = (ssip_rate(ESPEAK_MIN), ssip_rate(ESPEAK_NORMAL), ssip_rate(ESPEAK_MAX))
    assert ends == (-100, 0, 100)
    rates = [ssip_rate(rate) for rate in range(RATE_MIN, RATE_MAX + 1, 25)]
    assert rates == sorted(rates) and len(set(rates)) == len(rates)
    assert (ssip_volume(1.0), ssip_volume(0.2)) == (100, -60)
