"""Privacy: by default nothing is written to disk but the settings file, and that only when a
setting changes. Transcripts are kept only when asked (--log-transcripts, mode 0600), and
--save-replies keeps only what the assistant said.

Every command runs for real with HOME, the XDG folders, TMPDIR and the working directory pointed
at empty folders, which are then checked file by file. The virtual sound devices live outside
them, as a sound card would.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.core.dialogue import GOODBYE
from support import REPO
from support.audio import silence
from support.judge import hear_wav
from support.speech import espeak_wav_file
from support.spoken_phrases import INJURY, says
from support.virtual_audio import VirtualAudio, make_virtual_audio

ANKLE = INJURY
WATCHED = ("home", "config", "data", "cache", "state", "tmp", "cwd")
SETTINGS = Path("config/therapy-assistant/settings.toml")


@dataclass
class Private:
    """Empty folders standing for everywhere the program could write, and devices beside them."""

    root: Path
    """Holds the watched folders."""
    audio: VirtualAudio
    """The virtual microphone and speaker (outside the watched folders)."""

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in self.audio.env.items() if "THERAPY" not in key}
        env.update(
            HOME=str(self.root / "home"),
            XDG_CONFIG_HOME=str(self.root / "config"),
            XDG_DATA_HOME=str(self.root / "data"),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_STATE_HOME=str(self.root / "state"),
            TMPDIR=str(self.root / "tmp"),
            PYTHONPATH=str(REPO),
        )
        return env

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """`python -m assistant ARGS` from the empty working directory."""
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args],
            input=stdin, env=self.env, cwd=self.root / "cwd", capture_output=True, text=True,
            timeout=180, check=False,
        )  # fmt: skip

    def written(self) -> set[Path]:
        """Every file in the watched folders, relative to the root."""
        return {
            path.relative_to(self.root)
            for folder in WATCHED
            for path in (self.root / folder).rglob("*")
            if not path.is_dir()
        }


def _private(folder: Path, mic_pcm: bytes = b"") -> Private:
    for name in WATCHED:
        (folder / name).mkdir(parents=True)
    return Private(folder, make_virtual_audio(folder.parent / f"{folder.name}-devices", mic_pcm))


def _conversation(*utterances: str) -> bytes:
    audio = silence(1.0)
    for text in utterances:
        audio += says(text) + silence(3.0)
    return audio


def test_ask_and_transcribe_write_nothing(tmp_path: Path) -> None:
    private = _private(tmp_path / "p")
    wav = espeak_wav_file(ANKLE, tmp_path / "ankle.wav")
    runs = [
        private.run("ask", ANKLE),  # spoken on the virtual speaker
        private.run("ask", "--json", "--stdin", stdin=f"{ANKLE}\nchest pain\n"),
        private.run("ask", "--wav", str(wav)),
        private.run("transcribe", str(wav)),
    ]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [run.stderr for run in runs]
    assert private.audio.speaker_samples().any()  # the replies really were spoken
    assert private.written() == set()


def test_a_typed_conversation_writes_only_a_changed_setting(tmp_path: Path) -> None:
    private = _private(tmp_path / "p")
    result = private.run("listen", "--text", stdin=f"{ANKLE}\nrepeat\ngoodbye\n")
    assert result.returncode == 0, result.stderr
    assert private.written() == set()
    result = private.run("listen", "--text", "--mute", stdin="slower\ngoodbye\n")
    assert result.returncode == 0, result.stderr
    assert private.written() == {SETTINGS}
    assert "rate = 150" in (private.root / SETTINGS).read_text()


def test_a_spoken_conversation_writes_nothing(tmp_path: Path) -> None:
    private = _private(tmp_path / "p", _conversation(ANKLE, "no", "goodbye"))
    result = private.run("listen", "--mute")
    assert result.returncode == 0, result.stderr
    assert "physiotherapy" in result.stdout and result.stdout.splitlines()[-1] == GOODBYE
    assert private.written() == set()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_transcript_log_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    private = _private(tmp_path / "p")
    log = tmp_path / "said.log"
    result = private.run("listen", "--text", "--mute", "--log-transcripts", str(log),
                         stdin=f"{ANKLE}\ngoodbye\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _mode(log) == 0o600
    lines = log.read_text().splitlines()
    assert [line.split("\t")[1:] for line in lines] == [["person", ANKLE], ["person", "goodbye"]]
    assert private.written() == set()


def test_an_existing_open_log_is_made_private_and_kept(tmp_path: Path) -> None:
    private = _private(tmp_path / "p")
    log = tmp_path / "said.log"
    log.write_text("earlier\tperson\tmy back hurts\n")
    log.chmod(0o644)
    result = private.run("listen", "--text", "--mute", "--log-transcripts", str(log),
                         stdin="i feel stressed\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _mode(log) == 0o600
    lines = log.read_text().splitlines()
    assert lines[0] == "earlier\tperson\tmy back hurts"  # appended to, not replaced
    assert lines[1].endswith("\tperson\ti feel stressed")


@pytest.fixture(scope="module")
def kept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Private, Path, Path, str]:
    """A spoken conversation with both opt-ins: the log, the replies folder, and the captions."""
    folder = tmp_path_factory.mktemp("kept")
    private = _private(folder / "p", _conversation(ANKLE, "no", "goodbye"))
    log, replies = folder / "said.log", folder / "replies"
    result = private.run(
        "listen", "--mute", "--log-transcripts", str(log), "--save-replies", str(replies)
    )
    assert result.returncode == 0, result.stderr
    assert private.written() == set()
    return private, log, replies, result.stdout


def test_a_spoken_conversation_logs_what_the_person_said(
    kept: tuple[Private, Path, Path, str],
) -> None:
    _, log, _, _ = kept
    assert _mode(log) == 0o600
    said = [line.split("\t") for line in log.read_text().splitlines()]
    assert [speaker for _, speaker, _ in said] == ["person", "person", "person"]
    assert [words for _, _, words in said] == [ANKLE, "no", "goodbye"]


def test_saved_replies_hold_only_the_assistant_lines(
    kept: tuple[Private, Path, Path, str],
) -> None:
    _, _, replies, captions = kept
    files = sorted(replies.iterdir())
    # One WAV per spoken caption, in order, named by what kind of line it was.
    assert [path.name for path in files] == [
        f"{number:03d}-{kind}.wav"
        for number, kind in enumerate(["greeting", "prompt", "reply", "prompt", "goodbye"], start=1)
    ]
    assert len(files) == len(captions.splitlines())
    # Heard again, the saved reply is the assistant's sentence (it ends with the reminder that
    # this is general information, not a diagnosis).
    reply = next(path for path in files if path.name.endswith("-reply.wav"))
    heard = hear_wav(reply.read_bytes()).split()
    assert {"information", "diagnosis"} <= set(heard), heard


def test_saved_replies_are_readable_by_their_owner_only(
    kept: tuple[Private, Path, Path, str],
) -> None:
    _, _, replies, _ = kept
    assert stat.S_IMODE(replies.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in replies.iterdir()} == {0o600}


def test_a_settings_file_that_is_a_pipe_gives_defaults_not_a_hang(tmp_path: Path) -> None:
    import os

    from assistant.adapters.settings_file import load_settings
    from assistant.core.settings import Settings

    pipe = tmp_path / "settings.toml"
    os.mkfifo(pipe)
    settings, warning = load_settings(pipe)
    assert settings == Settings()
    assert warning is not None and "not a regular file" in warning
