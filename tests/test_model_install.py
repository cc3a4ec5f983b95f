"""`model install / path / verify` with the real model from Maven Central and crafted archives."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from assistant.adapters.model_store import default_spec
from support.cli_run import assert_one_line_error, run_cli

MAVEN = next(a for a in default_spec().archives if a.maven)


@pytest.fixture(scope="module")
def aar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Alpha Cephei's real AAR, fetched with mvn (from the local Maven cache after once)."""
    folder = tmp_path_factory.mktemp("aar")
    subprocess.run(
        [
            "mvn",
            "--batch-mode",
            "--quiet",
            "dependency:copy",
            f"-Dartifact={MAVEN.maven}",
            f"-DoutputDirectory={folder}",
        ],
        check=True,
        capture_output=True,
    )
    return folder / MAVEN.file


def test_the_maven_artifact_matches_the_manifest(aar: Path) -> None:
    assert aar.stat().st_size == MAVEN.size
    assert hashlib.sha256(aar.read_bytes()).hexdigest() == MAVEN.sha256


def test_install_from_maven_then_path_and_verify(tmp_path: Path) -> None:
    result = run_cli("model", "install", "--dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    installed = tmp_path / default_spec().name
    assert (installed / "am/final.mdl").is_file()
    # Only the model and the one adapted to the lexicon are left: no archive, no half-unpacked
    # folder beside them.
    adapted = f"{installed.name}-therapy"
    assert sorted(p.name for p in tmp_path.iterdir()) == [installed.name, adapted]
    env = {"VOSK_MODEL_PATH": str(installed)}
    assert run_cli("model", "path", env=env).stdout.strip() == str(installed)
    verify = run_cli("model", "verify", env=env)
    assert verify.returncode == 0, verify.stderr
    assert "complete and loads" in verify.stdout and "matches the lexicon" in verify.stdout


def test_install_from_a_local_aar_and_again_is_a_no_op(aar: Path, tmp_path: Path) -> None:
    install = ("model", "install", "--no-adapt", "--from", str(aar), "--dir", str(tmp_path))
    assert run_cli(*install).returncode == 0
    again = run_cli(*install)
    assert again.returncode == 0 and "already installed" in again.stderr
    assert [p.name for p in tmp_path.iterdir()] == [default_spec().name]  # --no-adapt


def test_install_from_an_unpacked_folder(tmp_path: Path) -> None:
    source = Path(run_cli("model", "path").stdout.strip())
    target = str(tmp_path / "m")
    result = run_cli("model", "install", "--no-adapt", "--from", str(source), "--dir", target)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "m" / default_spec().name / "graph/HCLr.fst").is_file()


def test_checksum_mismatch_is_refused(aar: Path, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.aar"
    shutil.copy(aar, tampered)
    with tampered.open("ab") as file:
        file.write(b"\0")
    result = run_cli("model", "install", "--from", str(tampered), "--dir", str(tmp_path / "m"))
    assert_one_line_error(result, "SHA-256", "matches no known model archive")
    assert not (tmp_path / "m" / default_spec().name).exists()


def test_archive_with_dotdot_is_refused_even_with_its_checksum(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("m/am/final.mdl", b"x")
        zipped.writestr("../escaped.txt", b"x")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    result = run_cli(
        "model", "install", "--from", str(archive), "--sha256", digest, "--dir", str(tmp_path / "m")
    )
    assert_one_line_error(result, "leaves its folder")
    assert not (tmp_path / "escaped.txt").exists()


def test_archive_that_vosk_cannot_load_is_not_installed(tmp_path: Path) -> None:
    archive = tmp_path / "junk.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in default_spec().required_files:
            zipped.writestr(f"m/{name}", b"junk")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    result = run_cli(
        "model", "install", "--from", str(archive), "--sha256", digest, "--dir", str(tmp_path / "m")
    )
    assert_one_line_error(result, "could not be loaded")
    assert list((tmp_path / "m").iterdir()) == []  # the temporary folder is gone too


def test_missing_model_names_the_install_command(tmp_path: Path) -> None:
    result = run_cli("model", "path", env={"VOSK_MODEL_PATH": str(tmp_path / "nowhere")})
    assert_one_line_error(result, "python -m assistant model install")


def test_corrupt_model_folder_is_reported_by_verify(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    (broken / "am").mkdir(parents=True)
    (broken / "am/final.mdl").write_bytes(b"not a model")
    result = run_cli("--model", str(broken), "model", "verify")
    assert_one_line_error(result, "incomplete", "--force")


def test_install_without_the_openfst_tools_installs_the_general_model(tmp_path: Path) -> None:
    """The adapted model is an addition: without the tools to build it, the general model is
    still installed, and the one-line warning names the apt-get command."""
    source = Path(run_cli("model", "path").stdout.strip())
    target = tmp_path / "m"
    result = run_cli(
        "model", "install", "--from", str(source), "--dir", str(target), env={"PATH": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert (target / default_spec().name / "graph/HCLr.fst").is_file()
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and "apt-get install libfst-tools" in warnings[0]
    assert [p.name for p in target.iterdir()] == [default_spec().name]
