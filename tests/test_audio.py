"""Capture and playback through real sounddevice streams on virtual ALSA devices.

Each scenario runs in a fresh interpreter whose ALSA configuration holds the virtual devices
(see support/virtual_audio.py); it prints one JSON line that the test checks. Speech comes from
espeak-ng at test time and the real Vosk model judges what was captured or played.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.adapters.devices import DeviceInfo, format_devices
from assistant.adapters.microphone import pace_delay
from support.audio import RATE, silence
from support.judge import hear_raw16k
from support.speech import espeak_to_raw16k
from support.virtual_audio import VirtualAudio, make_virtual_audio, run_python

WINDOW = "please open the window"
FOX = "the quick brown fox jumps over the lazy dog"
NECK = "massage therapy for a stiff neck"


def run_scenario(audio: VirtualAudio, code: str, *args: str) -> dict[str, Any]:
    """Run code with the virtual devices; return the JSON object it printed last."""
    result = run_python(code, audio.env, *args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines, result.stderr
    data: dict[str, Any] = json.loads(lines[-1])
    return data


@pytest.fixture(scope="module")
def window_speech() -> bytes:
    return silence(0.5) + espeak_to_raw16k(WINDOW) + silence(1.0)


# -- listing devices -------------------------------------------------------------------------

LIST_DEVICES = """
import json
from assistant.adapters.devices import format_devices, list_devices
devices = list_devices()
print(format_devices(devices))
print(json.dumps([[d.name, d.inputs, d.outputs, d.is_default_input] for d in devices]))
"""


def test_devices_lists_the_virtual_microphone_and_speaker(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    devices = {name: (inputs, outputs, default) for name, inputs, outputs, default in
               run_scenario(audio, LIST_DEVICES)}  # fmt: skip
    assert devices["virtual_mic"][0] > 0
    assert devices["virtual_speaker"][1] > 0
    assert devices["default"][2] is True  # the default microphone is marked


def _device(index: int, name: str, inputs: int, default_in: bool = False) -> DeviceInfo:
    return DeviceInfo(index, name, "ALSA", inputs, 2, 44100.0, default_in, False)


def test_format_devices_marks_the_default_and_says_how_to_choose() -> None:
    text = format_devices([_device(0, "USB mic", 1, True), _device(1, "HDMI", 0)])
    lines = text.splitlines()
    assert lines[0].startswith("*  0  USB mic")
    assert "1 in" in lines[0] and "44100 Hz" in lines[0]
    assert lines[1].startswith("   1  HDMI") and "in," not in lines[1]
    assert "--device" in lines[-1]


def test_format_devices_says_when_there_is_no_microphone() -> None:
    assert "No microphone found" in format_devices([_device(0, "HDMI", 0)])


# -- capture ---------------------------------------------------------------------------------


def test_a_microphone_not_yet_open_has_nothing_to_read() -> None:
    from assistant.adapters.microphone import Microphone

    microphone = Microphone()
    assert microphone.read(timeout=0.05) is None
    assert list(microphone.frames(timeout=0.05)) == []
    microphone.close()  # harmless before open


CAPTURE = """
import json, sys
from pathlib import Path
from assistant.adapters.microphone import Microphone
need, out = int(sys.argv[1]), Path(sys.argv[2])
options = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
got = bytearray()
sizes = set()
with Microphone(**options) as mic:
    for frame in mic.frames(timeout=10):
        sizes.add(len(frame))
        got.extend(frame)
        if len(got) >= need:
            break
    result = {"name": mic.name, "rate": mic.capture_rate, "overflows": mic.overflows}
out.write_bytes(bytes(got))
print(json.dumps({**result, "sizes": sorted(sizes)}))
"""


def test_microphone_delivers_exactly_what_the_device_captured_and_vosk_hears_it(
    tmp_path: Path, window_speech: bytes
) -> None:
    audio = make_virtual_audio(tmp_path, window_speech)
    out = tmp_path / "captured.raw"
    result = run_scenario(audio, CAPTURE, str(len(window_speech)), str(out))
    assert result["name"] == "default" and result["rate"] == RATE
    assert result["sizes"] == [3200]  # 100 ms frames of 16-bit samples
    assert result["overflows"] == 0
    captured = out.read_bytes()
    assert captured[: len(window_speech)] == window_speech
    assert {"open", "window"} <= set(hear_raw16k(captured).split())


def test_microphone_chosen_by_name_and_by_number(tmp_path: Path, window_speech: bytes) -> None:
    audio = make_virtual_audio(tmp_path, window_speech)
    out = tmp_path / "captured.raw"
    by_name = run_scenario(audio, CAPTURE, "32000", str(out), '{"device": "virtual_mic"}')
    assert by_name["name"] == "virtual_mic"
    number = run_scenario(audio, LIST_DEVICES)
    index = [row[0] for row in number].index("virtual_mic")
    by_number = run_scenario(audio, CAPTURE, "32000", str(out), json.dumps({"device": str(index)}))
    assert by_number["name"] == "virtual_mic"


def test_microphone_resamples_a_device_running_at_48khz(tmp_path: Path) -> None:
    speech48 = espeak_to_raw16k(FOX, sample_rate=48000)
    audio = make_virtual_audio(tmp_path, silence(0.3, 48000) + speech48 + silence(1.0, 48000))
    out = tmp_path / "captured.raw"
    need = 2 * int((len(speech48) / 2 / 48000 + 1.3) * RATE)
    result = run_scenario(audio, CAPTURE, str(need), str(out), '{"capture_rate": 48000}')
    assert result["rate"] == 48000 and result["sizes"] == [3200]
    captured = out.read_bytes()
    assert len(captured) >= need
    assert {"quick", "brown", "fox", "jumps"} <= set(hear_raw16k(captured).split())


def test_realtime_capture_still_delivers_exactly_the_device_sound(
    tmp_path: Path, window_speech: bytes
) -> None:
    audio = make_virtual_audio(tmp_path, window_speech)
    out = tmp_path / "captured.raw"
    result = run_scenario(audio, CAPTURE, str(RATE), str(out), '{"realtime": true}')
    assert result["overflows"] == 0
    assert out.read_bytes() == window_speech[:RATE]


@pytest.mark.parametrize(
    ("captured", "elapsed", "wait"),
    [(RATE, 0.25, 0.75), (RATE, 1.0, 0.0), (RATE, 3.0, 0.0), (0, 0.0, 0.0), (RATE // 10, 0.0, 0.1)],
)
def test_pace_delay_holds_a_source_to_the_clock(captured: int, elapsed: float, wait: float) -> None:
    assert pace_delay(captured, elapsed) == pytest.approx(wait)


SLOW_CONSUMER = """
import json, sys, time
from assistant.adapters.microphone import Microphone
options = json.loads(sys.argv[1])
got = bytearray()
with Microphone(**options) as mic:
    for _ in range(int(sys.argv[3])):
        frame = mic.read(timeout=10)
        got.extend(frame)
        time.sleep(0.2)  # a recogniser far slower than the device
    still_reading = mic.read(timeout=10) is not None
    result = {"overflows": mic.overflows, "dropped": mic.dropped_frames, "alive": still_reading}
open(sys.argv[2], "wb").write(bytes(got))
print(json.dumps(result))
"""


def test_a_tiny_queue_with_a_slow_consumer_counts_overflows_and_keeps_going(
    tmp_path: Path, window_speech: bytes
) -> None:
    audio = make_virtual_audio(tmp_path, window_speech)
    out = tmp_path / "got.raw"
    # throttle=False: behave as with a live device, which cannot be held back.
    options = '{"throttle": false, "queue_frames": 2}'
    result = run_scenario(audio, SLOW_CONSUMER, options, str(out), "6")
    assert result["overflows"] == result["dropped"] > 0
    assert result["alive"] is True
    assert out.read_bytes() != window_speech[: len(out.read_bytes())]  # frames were lost


def test_a_source_ahead_of_real_time_is_held_back_instead_of_dropped(
    tmp_path: Path, window_speech: bytes
) -> None:
    audio = make_virtual_audio(tmp_path, window_speech)
    out = tmp_path / "got.raw"
    # Twelve frames (1.2 s) arrive at once: more than a live device could have buffered.
    result = run_scenario(audio, SLOW_CONSUMER, '{"queue_frames": 12}', str(out), "8")
    assert result["overflows"] == 0
    got = out.read_bytes()
    assert got == window_speech[: len(got)]


MUTED = """
import json, sys
from assistant.adapters.microphone import Microphone
need = int(sys.argv[1])
barge_in = bytearray()
mic = Microphone()
mic.muted = True  # the assistant is speaking from the start
with mic:
    while len(barge_in) < need:
        barge_in.extend(mic.read_muted(timeout=10))
    main_while_muted = mic.read(timeout=0.3)
    mic.muted = False
    main_after = mic.read(timeout=10)
open(sys.argv[2], "wb").write(bytes(barge_in))
print(json.dumps({"main_while_muted": main_while_muted is not None,
                  "main_after": main_after is not None}))
"""


def test_while_muted_frames_go_to_the_barge_in_reader_not_the_recogniser(
    tmp_path: Path,
) -> None:
    speech = silence(0.5) + espeak_to_raw16k("stop") + silence(0.5)
    audio = make_virtual_audio(tmp_path, speech)
    out = tmp_path / "barge_in.raw"
    result = run_scenario(audio, MUTED, str(len(speech)), str(out))
    assert result == {"main_while_muted": False, "main_after": True}
    barge_in = out.read_bytes()
    assert barge_in[: len(speech)] == speech
    assert hear_raw16k(barge_in) == "stop"


# -- capture failures ------------------------------------------------------------------------

OPEN_AND_REPORT = """
import json, sys
from assistant.adapters.devices import MicrophoneError
from assistant.adapters.microphone import Microphone
device = sys.argv[1] or None
try:
    with Microphone(device) as mic:
        mic.read(timeout=5)
    print(json.dumps({"error": None}))
except MicrophoneError as error:
    print(json.dumps({"error": str(error), "exit_code": error.exit_code}))
"""


def test_no_microphone_is_a_one_line_error(tmp_path: Path) -> None:
    # The microphone's input file is missing: ALSA cannot open it, PortAudio lists no input.
    audio = make_virtual_audio(tmp_path, None)
    result = run_scenario(audio, OPEN_AND_REPORT, "")
    assert result["exit_code"] == 2
    assert result["error"].startswith("No microphone found")
    assert "--device" in result["error"] and "\n" not in result["error"]


@pytest.mark.parametrize(
    ("device", "expected"),
    [("no such mic", "No microphone matches 'no such mic'"), ("99", "no microphone number 99")],
)
def test_unknown_microphone_is_a_one_line_error(tmp_path: Path, device: str, expected: str) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    result = run_scenario(audio, OPEN_AND_REPORT, device)
    assert expected in result["error"]
    assert "python -m assistant devices" in result["error"]


COMES_BACK = """
import json, sys
from pathlib import Path
from assistant.adapters.devices import MicrophoneError, probe_microphone
from assistant.adapters.microphone import Microphone
try:
    probe_microphone()
    before = None
except MicrophoneError as error:
    before = str(error)
Path(sys.argv[1]).write_bytes(bytes(32000))  # the device is back
found = probe_microphone(refresh=True)
with Microphone() as mic:
    frame = mic.read(timeout=10)
print(json.dumps({"before": before, "found": found.name, "frame": len(frame)}))
"""


def test_a_microphone_that_comes_back_is_found_after_a_refresh(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, None)
    result = run_scenario(audio, COMES_BACK, str(audio.mic_input))
    assert result["before"].startswith("No microphone found")
    assert result == {"before": result["before"], "found": "default", "frame": 3200}


LOST = """
import json, sys, time
from pathlib import Path
from assistant.adapters.devices import MicrophoneError
from assistant.adapters.microphone import Microphone
from support.virtual_audio import open_fifo_reader
tee = open_fifo_reader(Path(sys.argv[1]), limit=int(sys.argv[2]), then=sys.argv[3])
frames = 0
with Microphone(stall_timeout=0.5) as mic:
    try:
        while mic.read(timeout=10) is not None:
            frames += 1
        error = None
    except MicrophoneError as caught:
        error = str(caught)
    tee.release()
print(json.dumps({"frames": frames, "error": error}))
"""


def test_a_microphone_lost_mid_stream_gives_its_frames_then_a_one_line_error(
    tmp_path: Path, window_speech: bytes
) -> None:
    # The capture PCM copies what it reads into a FIFO; closing the FIFO's reading end makes
    # the device fail mid-stream with a real I/O error, as an unplugged microphone does.
    audio = make_virtual_audio(tmp_path, window_speech, mic_tee_fifo=True)
    result = run_scenario(audio, LOST, str(audio.mic_tee), str(2 * RATE), "close")
    assert result["frames"] >= 10  # the second of sound read before the failure arrived
    error = result["error"]
    assert error.startswith("Lost the microphone default (device error)")
    assert "connected" in error and "\n" not in error


def test_a_microphone_that_stops_sending_sound_is_reported(
    tmp_path: Path, window_speech: bytes
) -> None:
    # Not reading the FIFO blocks the capture PCM for real: the device stalls.
    audio = make_virtual_audio(tmp_path, window_speech, mic_tee_fifo=True)
    result = run_scenario(audio, LOST, str(audio.mic_tee), str(2 * RATE), "hold")
    assert result["frames"] >= 10
    assert result["error"].startswith("The microphone default stopped sending sound")


# -- playback --------------------------------------------------------------------------------

PLAY = """
import json, sys
import numpy as np
from assistant.adapters.playback import Player
from assistant.adapters.pyttsx3_speech import Synthesizer
from assistant.adapters.sound import make_audio
options = json.loads(sys.argv[2])
if sys.argv[1].startswith("tone:"):
    seconds = float(sys.argv[1][5:])
    t = np.arange(int(22050 * seconds)) / 22050
    audio = make_audio((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), 22050)
else:
    audio = Synthesizer().synthesize(sys.argv[1])
np.save(sys.argv[3], audio.samples)
finished = Player(**options).play(audio)
print(json.dumps({"finished": finished, "rate": audio.sample_rate}))
"""


def test_player_plays_the_exact_samples_to_the_speaker(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    sent = tmp_path / "sent.npy"
    result = run_scenario(audio, PLAY, "tone:0.5", "{}", str(sent))
    assert result["finished"] is True
    played, expected = audio.speaker_samples(), np.load(sent)
    assert len(played) >= len(expected)
    assert np.array_equal(played[: len(expected)], expected)
    assert not played[len(expected) :].any()  # anything after is padding silence


def test_a_spoken_reply_played_on_the_speaker_is_heard_by_vosk(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    # Played at 16 kHz (resampled by the player), so Vosk can take the speaker's bytes as is.
    options = json.dumps({"device": "virtual_speaker", "output_rate": RATE})
    result = run_scenario(audio, PLAY, NECK, options, str(tmp_path / "sent.npy"))
    assert result == {"finished": True, "rate": 22050}
    played = audio.speaker_output.read_bytes()
    sent = np.load(tmp_path / "sent.npy")
    assert abs(len(played) / 2 - len(sent) * RATE / 22050) < 0.05 * RATE
    assert {"massage", "stiff", "neck"} <= set(hear_raw16k(played).split())


STOP = """
import json, sys, threading
from pathlib import Path
import numpy as np
from assistant.adapters.playback import Player
from assistant.adapters.sound import make_audio
from support.virtual_audio import open_fifo_reader
t = np.arange(22050 * 10) / 22050
clip = make_audio((np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16), 22050)
# Read 1 s, then stop reading: the player cannot get further ahead than the buffers allow.
speaker = open_fifo_reader(Path(sys.argv[1]), limit=2 * 22050, then="pause")
player = Player()
outcome = {}
worker = threading.Thread(target=lambda: outcome.update(finished=player.play(clip)))
worker.start()
speaker.reached.wait(30)
player.stop()
speaker.release()  # read what is left, until the player closes the device
worker.join(30)
speaker.join(30)
heard = np.frombuffer(bytes(speaker.data), dtype="<i2")
print(json.dumps({
    "finished": outcome.get("finished"),
    "played_seconds": len(heard) / 22050,
    "prefix_matches": bool(np.array_equal(heard, clip.samples[: len(heard)])),
    "playing_after": player.playing,
}))
"""


def test_player_stop_from_another_thread_cuts_a_long_playback_short(tmp_path: Path) -> None:
    # The speaker is a FIFO: playback advances only as fast as the test reads, and the test
    # stops reading before it asks the player to stop, so the stop lands at a known point
    # whatever the scheduling.
    audio = make_virtual_audio(tmp_path, b"", speaker_fifo=True)
    result = run_scenario(audio, STOP, str(audio.speaker_output))
    assert result["finished"] is False
    assert result["prefix_matches"] is True
    # 1 s read before the stop, plus what sat in the pipe and ALSA buffers: far from 10 s.
    assert 1.0 <= result["played_seconds"] < 5.0
    assert result["playing_after"] is False


STUCK_STREAM = """
import json, sys
import numpy as np
from assistant.adapters.playback import Player
from assistant.adapters.sound import make_audio


class StuckStream:
    # Injected fault: a real stream whose writes fail, as one ALSA will not start does
    # (a race seen on a busy machine that cannot be produced on demand).
    def __init__(self, real):
        self.real = real

    def write(self, block):
        import sounddevice as sd
        raise sd.PortAudioError("Unanticipated host error", -9999)

    def close(self, ignore_errors=True):
        self.real.close(ignore_errors=ignore_errors)


class PlayerWithOneStuckStream(Player):
    opened = 0

    def _open(self, sd, info, rate):
        stream = super()._open(sd, info, rate)
        PlayerWithOneStuckStream.opened += 1
        return StuckStream(stream) if self.opened == 1 else stream


t = np.arange(22050) / 22050
clip = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
np.save(sys.argv[1], clip)
finished = PlayerWithOneStuckStream().play(make_audio(clip, 22050))
print(json.dumps({"finished": finished, "opened": PlayerWithOneStuckStream.opened}))
"""


def test_a_stream_that_will_not_start_is_replaced_and_the_whole_sound_plays(
    tmp_path: Path,
) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    sent = tmp_path / "sent.npy"
    result = run_scenario(audio, STUCK_STREAM, str(sent))
    assert result == {"finished": True, "opened": 2}
    played, expected = audio.speaker_samples(), np.load(sent)
    assert np.array_equal(played[: len(expected)], expected)  # nothing lost, nothing doubled


SPEAKER_LOST = """
import json, sys
from pathlib import Path
import numpy as np
from assistant.adapters.devices import PlaybackError
from assistant.adapters.playback import Player
from assistant.adapters.sound import make_audio
from support.virtual_audio import open_fifo_reader
speaker = open_fifo_reader(Path(sys.argv[1]), limit=2 * 22050, then="close")
clip = make_audio(np.full(22050 * 10, 1000, dtype=np.int16), 22050)
try:
    Player().play(clip)
    error = None
except PlaybackError as caught:
    error = str(caught)
print(json.dumps({"error": error}))
"""


def test_a_speaker_lost_mid_playback_is_a_one_line_error(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"", speaker_fifo=True)
    result = run_scenario(audio, SPEAKER_LOST, str(audio.speaker_output))
    assert result["error"].startswith("Lost the speaker default (Input/output error)")
    assert "\n" not in result["error"]


UNKNOWN_SPEAKER = """
import json
import numpy as np
from assistant.adapters.devices import PlaybackError
from assistant.adapters.playback import Player
from assistant.adapters.sound import make_audio
try:
    Player("no such speaker").play(make_audio(np.zeros(100, dtype=np.int16), 22050))
except PlaybackError as error:
    print(json.dumps({"error": str(error)}))
"""


def test_unknown_speaker_is_a_one_line_error(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    result = run_scenario(audio, UNKNOWN_SPEAKER)
    assert result["error"].startswith("No speaker matches 'no such speaker'")
