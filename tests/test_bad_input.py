"""The catalogue of bad input, walked through the real command line as a user meets it.

Every bad input gets exactly one line on stderr saying what is wrong and what to do, exit code 2
and no traceback; in a voice conversation the same line is also spoken (what reached the virtual
speaker is transcribed with Vosk). Supported formats work end to end. The module-level cases
live beside their modules (tests/test_wavio.py, test_pyttsx3_speech.py, test_audio.py,
test_settings.py, test_properties.py); here each one goes through `python -m assistant ...`.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import textwrap
import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant.core.dialogue import GOODBYE
from support import REPO
from support.audio import silence
from support.cli_run import ROOT, WITHOUT_READ_OVERRIDE, assert_one_line_error, run_cli
from support.faults import SPEAKER_RATE, SpeakerRecorder
from support.judge import hear_samples
from support.speech import espeak_to_raw16k, espeak_wav_file
from support.virtual_audio import VirtualAudio, make_virtual_audio, open_fifo_reader

VOICE = "en-us+f1"
# Chosen because Vosk hears it right in every supported format, even 8-bit and 8 kHz.
SENTENCE = "i injured my knee playing football"
MODEL = REPO / "models" / "vosk-model-small-en-us-0.15"

# -- WAV files -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wav_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wavs")
    espeak_wav_file(SENTENCE, folder / "speech.wav")  # 22 050 Hz, mono, 16-bit
    return folder


SUPPORTED = {
    "8bit": ("-b", "8"),
    "24bit": ("-b", "24"),
    "float32": ("-e", "floating-point", "-b", "32"),
    "stereo": ("-c", "2"),
    "8kHz": ("-r", "8000"),
    "48kHz": ("-r", "48000"),
}


def _sox(source: Path, target: Path, *options: str) -> Path:
    subprocess.run(["sox", str(source), *options, str(target)], check=True)
    return target


def test_every_supported_wav_format_gets_advice_from_ask(wav_folder: Path) -> None:
    files = [
        _sox(wav_folder / "speech.wav", wav_folder / f"{name}.wav", *options)
        for name, options in SUPPORTED.items()
    ]
    result = run_cli("ask", "--json", "--wav", *map(str, files))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(files)
    for name, answer in zip(SUPPORTED, answers, strict=True):
        assert "knee" in answer["transcript"].split(), (name, answer["transcript"])
        assert answer["recommendation"] == "physiotherapy", (name, answer["transcript"])


def test_every_supported_wav_format_is_transcribed(wav_folder: Path) -> None:
    files = [
        _sox(wav_folder / "speech.wav", wav_folder / f"t-{name}.wav", *options)
        for name, options in SUPPORTED.items()
    ]
    result = run_cli("transcribe", *map(str, files))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(files)
    assert all({"injured", "knee", "football"} <= set(line.split()) for line in lines), lines


def test_upsampling_8khz_leaves_no_mirror_image() -> None:
    from assistant.adapters.wavio import Resampler

    t = np.arange(8000) / 8000
    tone = (0.5 * np.sin(2 * np.pi * 3000 * t)).astype(np.float32)
    out = Resampler(8000).process(tone)[:15000]
    spectrum = np.abs(np.fft.rfft(out * np.hanning(len(out))))
    hz = np.fft.rfftfreq(len(out), 1 / 16000)
    tone_level, image_level = (spectrum[np.argmin(abs(hz - f))] for f in (3000, 5000))
    assert 20 * np.log10(image_level / tone_level) < -40


def _header(channels: int = 1, rate: int = 16000, bits: int = 16, encoding: int = 1) -> bytes:
    width = (bits + 7) // 8
    return struct.pack(
        "<HHIIHH", encoding, channels, rate, rate * channels * width, channels * width, bits
    )


def _wav(path: Path, fmt: bytes, data: bytes = b"", declared: int | None = None) -> Path:
    size = len(data) if declared is None else declared
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", size) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated_header(path: Path) -> Path:
    whole = _wav(path, _header(), bytes(3200))
    whole.write_bytes(whole.read_bytes()[:30])  # cut inside the format header
    return whole


def _renamed_ogg(folder: Path) -> Path:
    ogg = _sox(folder / "speech.wav", folder / "speech.ogg")
    return _write(folder / "ogg-renamed.wav", ogg.read_bytes())


# An MP3 as written by common tools: an ID3v2 tag, then MPEG-1 layer III frame headers. No MP3
# encoder is installed here, so the frames carry silence-sized zero payloads.
_MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + (b"\xff\xfb\x90\x64" + bytes(413)) * 20

BAD_WAVS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "missing": (lambda f: f / "missing.wav", "does not exist"),
    "directory": (lambda f: f, "is a folder"),
    "zero-length": (lambda f: _write(f / "empty.wav", b""), "is empty"),
    "header-only": (lambda f: _wav(f / "header.wav", _header()), "holds no audio"),
    "header-cut": (lambda f: _truncated_header(f / "cut.wav"), "format header"),
    "text-file": (lambda f: _write(f / "notes.wav", b"hello, not audio\n"), "not a WAV"),
    "renamed-mp3": (lambda f: _write(f / "song.wav", _MP3), "not a WAV"),
    "renamed-ogg": (_renamed_ogg, "not a WAV"),
    "u-law": (lambda f: _sox(f / "speech.wav", f / "ulaw.wav", "-e", "u-law"), "sox"),
    "no-channels": (lambda f: _wav(f / "c0.wav", _header(channels=0), bytes(64)), "impossible"),
}


# tests/test_cli.py already runs `transcribe` on these.
_TRANSCRIBE_COVERED = {"missing", "directory", "zero-length", "header-only", "text-file"}


@pytest.mark.parametrize(
    ("case", "command"),
    [(case, "ask") for case in BAD_WAVS]
    + [(case, "transcribe") for case in BAD_WAVS if case not in _TRANSCRIBE_COVERED],
)
def test_a_bad_wav_is_one_line_and_exit_2(
    case: str, command: str, wav_folder: Path, tmp_path: Path
) -> None:
    make, fragment = BAD_WAVS[case]
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(wav_folder / "speech.wav", folder / "speech.wav")
    path = make(folder)
    if command == "transcribe":
        assert_one_line_error(run_cli("transcribe", str(path)), fragment)
    else:
        # ask names the file in its one line (its wording for a folder is its own).
        assert_one_line_error(run_cli("ask", "--mute", "--wav", str(path)), str(path))


def test_a_wav_truncated_mid_sample_gives_what_it_holds(wav_folder: Path, tmp_path: Path) -> None:
    data = (wav_folder / "speech.wav").read_bytes()
    cut = _write(tmp_path / "cut.wav", data[: len(data) * 2 // 3 + 1])  # odd: mid-sample
    result = run_cli("transcribe", str(cut))
    assert (result.returncode, result.stderr) == (0, "")
    assert "injured" in result.stdout.split()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run the command as another user")
@pytest.mark.parametrize("command", [["transcribe"], ["ask", "--mute", "--json", "--wav"]])
def test_an_unreadable_wav_is_one_line_and_exit_2(command: list[str], wav_folder: Path) -> None:
    # Root reads any file, so the command runs without that power.
    folder = Path(tempfile.mkdtemp(prefix="unreadable-"))
    try:
        folder.chmod(0o755)
        locked = folder / "locked.wav"
        shutil.copy(wav_folder / "speech.wav", locked)
        locked.chmod(0)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(folder)}
        result = subprocess.run(
            [*WITHOUT_READ_OVERRIDE, sys.executable, "-m", "assistant", *command, str(locked)],
            capture_output=True, text=True, env=env, cwd=folder, check=False, timeout=120,
        )  # fmt: skip
    finally:
        shutil.rmtree(folder)
    assert_one_line_error(result, "cannot be read", "permissions")


@pytest.mark.parametrize("command", [["transcribe"], ["ask", "--mute", "--wav"]])
def test_a_wav_from_a_pipe_is_read_or_refused_in_one_line(
    command: list[str], wav_folder: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant", *command, "/dev/stdin"],
        input=(wav_folder / "speech.wav").read_bytes(), capture_output=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False, timeout=120,
    )  # fmt: skip
    text = subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )
    if text.returncode == 0:
        assert "injured" in text.stdout.split()
    else:
        assert_one_line_error(text, "/dev/stdin")


HOUR_READ = """
import resource, sys
from pathlib import Path
from assistant.adapters.wavio import read_16k_mono
chunks = read_16k_mono(Path(sys.argv[1]))
total = sum(len(next(chunks)) for _ in range(20))  # imports and buffers settled
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
total += sum(len(chunk) for chunk in chunks)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(total, before, after)
"""


def test_a_one_hour_wav_is_streamed_with_flat_memory() -> None:
    # An hour of quiet noise at 22 050 Hz (160 MB), so the resampler runs over all of it.
    folder = Path(tempfile.mkdtemp(prefix="hour-"))
    try:
        hour = folder / "hour.wav"
        subprocess.run(
            ["sox", "-n", "-r", "22050", "-c", "1", "-b", "16", str(hour),
             "synth", "3600", "whitenoise", "vol", "0.01"],
            check=True,
        )  # fmt: skip
        result = subprocess.run(
            [sys.executable, "-c", HOUR_READ, str(hour)],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False, timeout=300,
        )  # fmt: skip
    finally:
        shutil.rmtree(folder)
    assert result.returncode == 0, result.stderr
    total, before_kib, after_kib = map(int, result.stdout.split())
    assert total == pytest.approx(3600 * 16000 * 2, abs=64)  # the whole hour, at 16 kHz
    assert after_kib - before_kib < 50 * 1024  # far less than the 115 MB it converted to


# -- text ------------------------------------------------------------------------------------

ODD_TEXTS = {
    "empty": "",
    "blank": " \t ",
    "emoji": "😫🦵 my knee 🤕 hurts 😭😭",
    "emoji-only": "🙂🙃😀" * 50,
    "cyrillic": "у меня болит колено",  # noqa: RUF001
    "chinese": "我的膝盖很疼",
    "arabic": "ركبتي تؤلمني",
    "hindi": "मेरे घुटने में दर्द है",
    "spanish": "me duele mucho la rodilla",
    "combining": "my kne\u0301e\u0308 hu\u0336rts",
    "right-to-left-override": "i twisted my \u202eelkna\u202c ankle",
    "zero-width": "i\u200b twisted\u200d my\ufeff ankle",
    "terminal-escapes": "my \x1b[31mknee\x1b[0m hurts \x1b]0;title\x07 after i twisted it",
    "control-characters": "chest\x00 pain\x07\x08\x7f\x0b\x0c\x1b",
    "carriage-returns": "i twisted my ankle\r\r\rgoodbye",
    "long-word": "a" * 20000,
    "huge": "my back hurts and I feel stressed " * 3000,  # about 100 000 characters
}


def _printable(text: str) -> bool:
    """No control or format characters that could steer a terminal or a screen reader."""
    return all(ch == "\n" or unicodedata.category(ch)[0] != "C" for ch in text)


def test_odd_texts_all_get_an_answer_from_ask_stdin() -> None:
    texts = list(ODD_TEXTS.values())
    assert sum(map(len, texts)) > 100_000
    result = run_cli("ask", "--json", "--stdin", stdin="\n".join(texts) + "\n")
    assert (result.returncode, result.stderr) == (0, "")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    # One answer per line; "\r", "\x0b" and "\x0c" do not split lines.
    assert len(answers) == len(texts)
    choices = {"physiotherapy", "massage_therapy", "both", "see_doctor", "unclear"}
    for name, answer in zip(ODD_TEXTS, answers, strict=True):
        assert answer["recommendation"] in choices, name
        assert _printable(answer["reply"]), (name, answer["reply"])
    by_name = dict(zip(ODD_TEXTS, answers, strict=True))
    assert by_name["control-characters"]["urgency"] == "emergency"  # chest pain still heard


@pytest.mark.parametrize("name", ["empty", "huge", "emoji", "cyrillic", "terminal-escapes"])
def test_odd_text_as_an_argument_gets_an_answer(name: str) -> None:
    result = run_cli("ask", "--mute", ODD_TEXTS[name].replace("\x00", ""))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() and _printable(result.stdout)


def test_odd_texts_in_a_typed_conversation_end_with_goodbye(tmp_path: Path) -> None:
    lines = "\n".join(ODD_TEXTS.values()) + "\ngoodbye\n"
    env = {"THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")}
    result = run_cli("listen", "--text", "--mute", stdin=lines, env=env)
    assert (result.returncode, result.stderr) == (0, "")
    captions = result.stdout.splitlines()
    assert captions[-1] == GOODBYE
    assert _printable(result.stdout)


# -- the speech model ------------------------------------------------------------------------


def _model_copy(folder: Path, replaced: dict[str, bytes]) -> Path:
    """The real model as links to its files, except the files in `replaced`, which are written
    as real files with the bytes given. The links are replaced, never written through: the real
    model is only read."""
    copy = folder / "model"
    for source in MODEL.rglob("*"):
        target = copy / source.relative_to(MODEL)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    for name, data in replaced.items():
        target = copy / name
        target.unlink()
        target.write_bytes(data)
    return copy


def _half(name: str) -> bytes:
    data = (MODEL / name).read_bytes()
    return data[: len(data) // 2]


BAD_MODELS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "missing": (lambda f: f / "nowhere", ("does not exist", "model install")),
    "a-file": (lambda f: _write(f / "model.zip", b"PK"), ("not a folder",)),
    "wrong-folder": (lambda f: _write(f / "notes.txt", b"x").parent, ("incomplete", "--force")),
    "empty-file": (lambda f: _model_copy(f, {"am/final.mdl": b""}), ("incomplete", "--force")),
    "truncated-acoustic-model": (
        lambda f: _model_copy(f, {"am/final.mdl": _half("am/final.mdl")}),
        ("could not be loaded", "--force"),
    ),
}


@pytest.mark.parametrize("case", BAD_MODELS, ids=list(BAD_MODELS))
@pytest.mark.parametrize("command", ["transcribe", "ask"])
def test_a_bad_model_is_one_line_and_exit_2(
    case: str, command: str, wav_folder: Path, tmp_path: Path
) -> None:
    make, fragments = BAD_MODELS[case]
    model = make(tmp_path)
    wav = str(wav_folder / "speech.wav")
    args = ["transcribe", wav] if command == "transcribe" else ["ask", "--mute", "--wav", wav]
    assert_one_line_error(run_cli("--model", str(model), *args), *fragments)


def test_a_truncated_decoding_graph_is_one_line_and_exit_2(
    wav_folder: Path, tmp_path: Path
) -> None:
    model = _model_copy(tmp_path, {"graph/HCLr.fst": _half("graph/HCLr.fst")})
    result = run_cli("--model", str(model), "transcribe", str(wav_folder / "speech.wav"))
    assert_one_line_error(result, "could not be loaded")


# -- voice mode: the message is spoken too ---------------------------------------------------


def _listen(
    audio: VirtualAudio, *args: str, code: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(audio.directory / "settings.toml")}
    command = ["-c", code] if code else ["-m", "assistant", "listen"]
    return subprocess.run(
        [sys.executable, *command, *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip


def _spoken(audio: VirtualAudio) -> str:
    """What Vosk hears in the last thing played on the virtual speaker."""
    return hear_samples(audio.speaker_samples(), SPEAKER_RATE)


def _assert_last_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 2; the error is the last line on stderr (above it: status notes); no traceback."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("therapy-assistant: "), result.stderr
    for fragment in fragments:
        assert fragment in last, last


def test_no_microphone_is_one_line_and_spoken(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, None)  # the microphone's device file is missing
    result = _listen(audio)
    assert_one_line_error(result, "No microphone found", "--device")
    assert "microphone" in _spoken(audio).split()


def test_no_microphone_when_muted_is_one_line_and_silent(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, None)
    assert_one_line_error(_listen(audio, "--mute"), "No microphone found")
    assert not audio.speaker_output.exists()


def test_an_unknown_microphone_is_one_line(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    result = _listen(audio, "--mute", "--device", "no such mic")
    assert_one_line_error(result, "No microphone matches 'no such mic'", "devices")


def test_a_missing_model_in_voice_mode_is_one_line_and_spoken(tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "--model", str(tmp_path / "nowhere"), "listen"],
        env={**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")},
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert_one_line_error(result, "does not exist", "model install")
    assert "model" in _spoken(audio).split()


# The reconnection wait is a minute; for this test one second is enough.
NEVER_BACK = textwrap.dedent(
    """\
    import sys
    import assistant.app.voice as voice
    voice.RECONNECT_SECONDS = 1.0
    voice.RECONNECT_POLL_SECONDS = 0.25
    from assistant.app.cli import main
    sys.exit(main(["listen"]))
    """
)


def test_a_microphone_unplugged_for_good_ends_with_one_line_spoken(tmp_path: Path) -> None:
    first = silence(1) + espeak_to_raw16k("i feel stressed", VOICE) + silence(4)
    audio = make_virtual_audio(tmp_path, first, trailing_silence=30, mic_tee_fifo=True)
    # The capture copies what it reads into the tee FIFO; once the first turn is through, the
    # device file goes and the FIFO's reader closes: the stream breaks with an I/O error.
    tee = open_fifo_reader(audio.mic_tee, limit=len(first), then="hold")
    process = subprocess.Popen(
        [sys.executable, "-c", NEVER_BACK],
        env={**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")},
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert tee.reached.wait(60)
        audio.mic_input.unlink()
        tee.release()
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    result = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    _assert_last_line_error(result, "No microphone found", "Ending the conversation")
    assert any(line.startswith("Sorry. Lost the microphone") for line in stdout.splitlines())
    assert "microphone" in _spoken(audio).split()  # the last words played


def test_a_corrupt_settings_file_is_spoken_and_left_alone(tmp_path: Path) -> None:
    audio = make_virtual_audio(
        tmp_path, silence(1) + espeak_to_raw16k("goodbye", VOICE), speaker_fifo=True
    )
    settings = tmp_path / "settings.toml"
    settings.write_text("rate = = 1\n")
    recorder = SpeakerRecorder(audio.speaker_output, realtime=False)
    try:
        result = _listen(audio)
    finally:
        recorder.close()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "not valid TOML" in warnings[0]
    captions = result.stdout.splitlines()
    assert "not valid TOML" in captions[0] and captions[-1] == GOODBYE
    played = np.frombuffer(bytes(recorder.data), dtype="<i2").astype(np.int16)
    # Spoken first, without the path (printed, it is there to read; spoken, it is noise).
    assert str(settings) in warnings[0] and str(settings) not in captions[0]
    heard = hear_samples(played, SPEAKER_RATE).split()
    # Before the greeting, Vosk hears the message's own words (espeak's "settings" it mishears).
    message_words = {"settings", "valid", "invalid", "default", "defaults", "file", "delete"}
    assert len(message_words.intersection(heard[:30])) >= 2, heard
    assert settings.read_text() == "rate = = 1\n"  # not rewritten: nothing was changed


def test_a_corrupt_settings_file_is_replaced_once_a_setting_changes(tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("rate = = 1\n")
    env = {"THERAPY_ASSISTANT_CONFIG": str(settings)}
    result = run_cli("listen", "--text", "--mute", stdin="slower\ngoodbye\n", env=env)
    assert result.returncode == 0
    assert len(result.stderr.splitlines()) == 1  # the one warning
    assert tomllib.loads(settings.read_text())["rate"] == 150


# -- the speech engine missing ---------------------------------------------------------------


def _espeak_library() -> Path:
    found = sorted(Path("/usr/lib").rglob("libespeak-ng.so.1.*"))
    assert found, "libespeak-ng is not installed"
    return found[0]


def _without_espeak(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command line where libespeak-ng is absent: in a private mount namespace the library
    file is covered by an empty one (nothing outside the test process is touched)."""
    library = _espeak_library()
    command = [
        "unshare", "--mount", "sh", "-c", f'mount --bind /dev/null "{library}" && exec "$0" "$@"',
        sys.executable, "-m", "assistant", *args,
    ]  # fmt: skip
    full_env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run(
        command, input=stdin, env=full_env, cwd=REPO, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip


needs_mount_namespace = pytest.mark.skipif(
    subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0,
    reason="mount namespaces are not allowed here (test_pyttsx3_speech.py covers the module level)",
)


@needs_mount_namespace
def test_without_espeak_ask_prints_the_answer_then_one_line(tmp_path: Path) -> None:
    env = {"THERAPY_ASSISTANT_CONFIG": str(tmp_path / "s.toml")}
    result = _without_espeak("ask", "i injured my knee", env=env)
    assert_one_line_error(result, "espeak-ng", "sudo apt-get install espeak-ng")
    assert "physiotherapy" in result.stdout  # the typed answer still arrives


@needs_mount_namespace
def test_without_espeak_muted_commands_still_work(tmp_path: Path) -> None:
    env = {"THERAPY_ASSISTANT_CONFIG": str(tmp_path / "s.toml")}
    assert _without_espeak("ask", "--mute", "i injured my knee", env=env).returncode == 0
    typed = _without_espeak("listen", "--text", "--mute", env=env, stdin="goodbye\n")
    assert (typed.returncode, typed.stdout.splitlines()[-1]) == (0, GOODBYE)


@needs_mount_namespace
@pytest.mark.parametrize("args", [["listen"], ["listen", "--text"]], ids=["voice", "text"])
def test_without_espeak_listen_is_one_line(args: list[str], tmp_path: Path) -> None:
    audio = make_virtual_audio(tmp_path, b"")
    env = {**audio.env, "THERAPY_ASSISTANT_CONFIG": str(tmp_path / "s.toml")}
    result = _without_espeak(*args, env=env, stdin="goodbye\n")
    assert_one_line_error(result, "espeak-ng", "sudo apt-get install espeak-ng")


# -- bad options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--save-replies", "/proc/no-such-folder"], "Cannot create the folder"),
        (["--log-transcripts", "/nonexistent/log.txt"], "Cannot write the transcript log"),
        (["--log-transcripts", "/tmp"], "Is a directory"),
    ],
    ids=["save-replies-unwritable", "log-in-missing-folder", "log-is-a-folder"],
)
def test_unwritable_output_paths_are_one_line(args: list[str], fragment: str) -> None:
    result = run_cli("listen", "--text", "--mute", *args, stdin="goodbye\n")
    assert_one_line_error(result, fragment)


# -- a full disk -----------------------------------------------------------------------------


def _with_stdout(path: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    with open(path, "w") as out:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            input=stdin, stdout=out, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False, timeout=120,
        )  # fmt: skip


def test_answers_to_a_full_disk_are_one_line() -> None:
    result = _with_stdout("/dev/full", "ask", "--json", "--stdin", stdin="my knee hurts\n" * 3000)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_transcript_log_on_a_full_disk_is_one_line(tmp_path: Path) -> None:
    env = {"THERAPY_ASSISTANT_CONFIG": str(tmp_path / "settings.toml")}
    result = run_cli("listen", "--text", "--mute", "--log-transcripts", "/dev/full",
                     stdin="i twisted my ankle\ngoodbye\n", env=env)  # fmt: skip
    assert_one_line_error(result, "/dev/full")
