"""Speech out with the real pyttsx3 + espeak-ng, judged by the real Vosk model."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from assistant.adapters.pyttsx3_speech import (
    CACHE_SIZE,
    Synthesizer,
    find_voice,
    format_voices,
    list_voices,
)
from assistant.adapters.sound import SpokenAudio
from assistant.core.errors import UserError
from support import REPO
from support.judge import hear_samples, hear_wav

WINDOW = "please open the window"
NECK = "massage therapy for a stiff neck"
FOX = "the quick brown fox jumps over the lazy dog"


def heard(audio: SpokenAudio) -> set[str]:
    return set(hear_samples(audio.samples, audio.sample_rate).split())


def rms(audio: SpokenAudio) -> float:
    return float(np.sqrt(np.mean(audio.samples.astype(np.float64) ** 2)))


@pytest.fixture
def synth() -> Synthesizer:
    return Synthesizer()


def test_synthesize_gives_audible_speech_that_says_the_text(synth: Synthesizer) -> None:
    audio = synth.synthesize(FOX)
    assert audio.sample_rate == 22050
    assert audio.samples.dtype == np.int16
    assert audio.duration > 1.0
    assert rms(audio) > 1000  # speech, not near-silence
    assert {"quick", "brown", "fox", "jumps"} <= heard(audio)


def test_blank_text_gives_empty_audio(synth: Synthesizer) -> None:
    assert len(synth.synthesize("   ").samples) == 0


def test_save_wav_writes_a_valid_wav_of_the_text(synth: Synthesizer, tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    audio = synth.save_wav(NECK, path)
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        assert wav.getframerate() == audio.sample_rate
        assert wav.getnframes() == len(audio.samples) > 0
    assert {"stiff", "neck"} <= set(hear_wav(path.read_bytes()).split())


def test_two_saves_in_a_row_each_hold_their_own_text(synth: Synthesizer, tmp_path: Path) -> None:
    # pyttsx3 trap: runAndWait returns before the file is written, and targets get mixed up.
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    synth.save_wav(WINDOW, first)
    synth.save_wav(NECK, second)
    heard_first = set(hear_wav(first.read_bytes()).split())
    heard_second = set(hear_wav(second.read_bytes()).split())
    assert "window" in heard_first and not {"stiff", "neck"} & heard_first
    assert {"stiff", "neck"} <= heard_second and "window" not in heard_second


def test_save_after_a_synthesis_and_a_synthesis_after_a_save(
    synth: Synthesizer, tmp_path: Path
) -> None:
    # pyttsx3 trap: after save_to_file, the next utterance is written to the old file.
    spoken = synth.synthesize(WINDOW)
    path = tmp_path / "saved.wav"
    synth.save_wav(NECK, path)
    saved_bytes = path.read_bytes()
    later = synth.synthesize(FOX)
    assert path.read_bytes() == saved_bytes  # the later synthesis left the file alone
    assert "window" in heard(spoken)
    assert {"stiff", "neck"} <= set(hear_wav(saved_bytes).split())
    assert {"quick", "fox"} <= heard(later)


def test_rate_changes_the_length_every_time_even_across_voice_changes(
    synth: Synthesizer,
) -> None:
    # Regression: runAndWait's cancel used to drop a queued rate change after a voice change.
    durations: dict[tuple[str, int], list[float]] = {}
    for voice, rate in [
        ("gmw/en", 300),
        ("gmw/en-us", 120),
        ("gmw/en-us", 300),
        ("gmw/en", 120),
        ("gmw/en", 300),
        ("gmw/en-us", 300),
        ("gmw/en-us", 120),
    ]:
        synth.set_voice(voice)
        synth.set_rate(rate)
        durations.setdefault((voice, rate), []).append(synth.synthesize(NECK).duration)
    for voice in ("gmw/en", "gmw/en-us"):
        fast, slow = durations[(voice, 300)], durations[(voice, 120)]
        # espeak varies a few milliseconds from one rendering to the next, never by 2x.
        assert max(fast) * 2 < min(slow)
        assert max(fast) < 1.05 * min(fast) and max(slow) < 1.05 * min(slow)


def test_volume_setting_scales_the_level(synth: Synthesizer) -> None:
    loud = synth.synthesize(WINDOW)
    synth.set_volume(0.25)
    quiet = synth.synthesize(WINDOW)
    assert rms(quiet) < 0.5 * rms(loud)


def test_constructor_applies_the_settings() -> None:
    slow = Synthesizer(rate=100, voice="en-us", volume=0.5)
    assert slow.voice == "gmw/en-us"
    fast = Synthesizer(rate=300, voice="en-us", volume=0.5)
    assert fast.synthesize(WINDOW).duration * 2 < slow.synthesize(WINDOW).duration


@pytest.mark.parametrize("rate", [10, 1000])
def test_out_of_range_rate_is_a_one_line_error(synth: Synthesizer, rate: int) -> None:
    with pytest.raises(UserError, match="rate") as caught:
        synth.set_rate(rate)
    assert "\n" not in str(caught.value)


def test_out_of_range_volume_is_a_one_line_error(synth: Synthesizer) -> None:
    with pytest.raises(UserError, match="Volume"):
        synth.set_volume(3.0)


def test_cache_reuses_a_prompt_until_a_setting_changes(synth: Synthesizer) -> None:
    first = synth.synthesize("I am listening", cache=True)
    assert synth.synthesize("I am listening", cache=True) is first
    assert synth.synthesize("I am listening") is not first  # uncached calls render afresh
    synth.set_rate(250)
    faster = synth.synthesize("I am listening", cache=True)
    assert faster is not first and faster.duration < first.duration
    with pytest.raises(ValueError, match="read-only"):
        first.samples[0] = 1  # a cached prompt cannot be altered by a caller


def test_cache_forgets_the_least_recently_used(synth: Synthesizer) -> None:
    oldest = synth.synthesize("number zero", cache=True)
    for number in range(1, CACHE_SIZE + 1):
        synth.synthesize(f"number {number}", cache=True)
    assert synth.synthesize("number zero", cache=True) is not oldest


def test_the_driver_notice_does_not_reach_stdout(
    synth: Synthesizer, capsys: pytest.CaptureFixture[str]
) -> None:
    # pyttsx3 prints "Audio saved to ..." for every file; that would corrupt `ask --json`.
    print("before")
    synth.synthesize(WINDOW)
    print("after")
    assert capsys.readouterr().out == "before\nafter\n"


def test_list_voices_and_find_by_id_name_or_language() -> None:
    voices = list_voices()
    assert len(voices) > 10
    american = find_voice("gmw/en-us", voices)
    assert american.name == "English (America)"
    assert find_voice("English (America)", voices) == american
    assert find_voice("EN-US", voices) == american
    listing = format_voices(voices).splitlines()
    assert len(listing) == len(voices)
    assert any(line.startswith("gmw/en-us") and "English (America)" in line for line in listing)


def test_unknown_voice_is_a_one_line_error_naming_the_voices_command() -> None:
    with pytest.raises(UserError, match="python -m assistant voices") as caught:
        Synthesizer(voice="klingon-opera")
    assert "\n" not in str(caught.value)


# -- espeak-ng missing -----------------------------------------------------------------------

CHECK_SCRIPT = """
import sys
from assistant.core.errors import UserError
try:
    from assistant.adapters.pyttsx3_speech import Synthesizer
    Synthesizer().synthesize("hello")
except UserError as error:
    print(error, file=sys.stderr)
    sys.exit(error.exit_code)
print("spoke")
"""

# Used only where a mount namespace is not allowed: hides the library from ctypes, in a
# subprocess, to inject the fault "libespeak-ng is not installed".
FAULT_HIDE_ESPEAK = """
import ctypes
_real_load = ctypes.cdll.LoadLibrary
def fault_hide_espeak(name):
    if "espeak" in str(name):
        raise OSError(f"{name}: cannot open shared object file: No such file or directory")
    return _real_load(name)
ctypes.cdll.LoadLibrary = fault_hide_espeak
"""


def _espeak_library_path() -> Path:
    ctypes.CDLL("libespeak-ng.so.1")  # load it so the mapping shows the real file
    for line in Path("/proc/self/maps").read_text().splitlines():
        if "libespeak-ng.so" in line:
            return Path(line.split()[-1])
    raise AssertionError("libespeak-ng is not loaded")


def _run_without_espeak() -> subprocess.CompletedProcess[str]:
    """Run CHECK_SCRIPT where libespeak-ng is absent: for real in a private mount namespace
    (the library file is covered by an empty one), else by the named fault injection."""
    library = _espeak_library_path()
    command = [
        "unshare", "--mount", "sh", "-c",
        f'mount --bind /dev/null "{library}" && exec "$0" -c "$1"', sys.executable, CHECK_SCRIPT,
    ]  # fmt: skip
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    if shutil.which("unshare"):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        if "Operation not permitted" not in result.stderr and "unshare:" not in result.stderr:
            return result
    return subprocess.run(
        [sys.executable, "-c", FAULT_HIDE_ESPEAK + CHECK_SCRIPT],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def test_missing_espeak_ng_is_a_one_line_error_saying_how_to_install_it() -> None:
    result = _run_without_espeak()
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "espeak-ng" in lines[0] and "sudo apt-get install espeak-ng" in lines[0]


def test_the_check_script_speaks_when_espeak_ng_is_present() -> None:
    # The control for the test above: the same script succeeds on this machine.
    result = subprocess.run(
        [sys.executable, "-c", CHECK_SCRIPT],
        capture_output=True, text=True, env={"PYTHONPATH": str(REPO)}, timeout=60,
    )  # fmt: skip
    assert (result.returncode, result.stdout.strip()) == (0, "spoke"), result.stderr
