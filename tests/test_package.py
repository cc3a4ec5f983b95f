"""The assistant installed as a package, outside the checkout, as a new user would install it.

The wheel is built from this checkout and installed into a fresh virtual environment in a
temporary folder; every command then runs from another folder with an empty home, so nothing of
the checkout (its models/ folder, its manifest) can be found by accident.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from assistant.adapters.model_store import default_spec
from support import REPO
from support.speech import espeak_wav_file

pytestmark = pytest.mark.slow
MAVEN = next(a for a in default_spec().archives if a.maven)


class Installed:
    """A fresh environment with the wheel installed, and a way to run its console script."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.work = root / "elsewhere"
        self.home.mkdir()
        self.work.mkdir()
        self.bin = root / "venv" / "bin"

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "THERAPY_ASSISTANT_CONFIG": str(self.home / "settings.toml"),
        }
        return subprocess.run(
            [str(self.bin / "therapy-assistant"), *args],
            input=stdin, capture_output=True, text=True, env=env, cwd=self.work,
            timeout=300, check=False,
        )  # fmt: skip


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("package")
    wheels = root / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    (wheel,) = wheels.glob("therapy_assistant-*.whl")
    venv.create(root / "venv", with_pip=True)
    subprocess.run(
        [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True, capture_output=True, timeout=900, env={**os.environ, "PYTHONPATH": ""},
    )  # fmt: skip
    return Installed(root)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha Cephei's AAR, as make setup downloaded it (from the local Maven cache)."""
    folder = tmp_path_factory.mktemp("aar")
    subprocess.run(
        ["mvn", "--batch-mode", "--quiet", "dependency:copy", f"-Dartifact={MAVEN.maven}",
         f"-DoutputDirectory={folder}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return folder / MAVEN.file


def test_the_wheel_carries_no_checkout_paths(installed: Installed) -> None:
    result = installed.run("model", "path")
    assert result.returncode == 2
    assert "therapy-assistant model install" in result.stderr  # not "python -m assistant"
    assert "manifest" not in result.stderr and "git checkout" not in result.stderr


def test_installed_package_installs_verifies_and_uses_the_model(
    installed: Installed, archive: Path, tmp_path: Path
) -> None:
    install = installed.run("model", "install", "--from", str(archive))
    assert install.returncode == 0, install.stderr
    user_models = installed.home / ".local" / "share" / "therapy-assistant" / "models"
    assert str(user_models) in install.stderr
    path = installed.run("model", "path")
    assert path.stdout.strip() == str(user_models / default_spec().name)
    verify = installed.run("model", "verify")
    assert verify.returncode == 0, verify.stderr  # the general model and the adapted one
    assert "matches the lexicon in use" in verify.stdout

    wav = espeak_wav_file("I am recovering from knee surgery", tmp_path / "knee.wav")
    transcribe = installed.run("transcribe", str(wav))
    assert transcribe.returncode == 0, transcribe.stderr
    assert "surgery" in transcribe.stdout.split()
    ask = installed.run("ask", "--json", "--wav", str(wav))
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["recommendation"] == "physiotherapy"
    listen = installed.run("listen", "--text", "--mute", stdin="my chest hurts\ngoodbye\n")
    assert listen.returncode == 0, listen.stderr
    assert "Call emergency services now." in listen.stdout
