"""`model install`: fetch, check and unpack the Vosk model atomically.

Sources, tried in order: a file or folder the user gives (--from), Alpha Cephei's Maven Central
artifact (via mvn), then the official zip from Alpha Cephei's site. Every archive must match a
SHA-256 from the manifest (or one given with --sha256) before a byte of it is unpacked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from assistant.adapters.archive import copy_model_folder, extract_model
from assistant.adapters.checksum import sha256_of
from assistant.adapters.installation import command
from assistant.adapters.model_store import (
    Archive,
    ModelSpec,
    checkout_models_dir,
    default_spec,
    load_vosk_model,
    user_models_dir,
)
from assistant.core.errors import UserError

DOWNLOAD_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class InstallRequest:
    """What the user asked `model install` to do."""

    models_dir: Path | None = None
    """Folder to install into (--dir); default: the checkout's models/ or the user data folder."""
    source: Path | None = None
    """An archive or unpacked folder the user already has (--from)."""
    sha256: str | None = None
    """Expected checksum of a --from archive that the manifest does not list."""
    force: bool = False
    """Replace a model that is already installed."""


def default_models_dir() -> Path:
    """The checkout's models/ when writable, else the per-user data folder."""
    models = checkout_models_dir()
    if models is not None and models.is_dir() and os.access(models, os.W_OK):
        return models
    return user_models_dir()


def install(request: InstallRequest, say: Callable[[str], None] = print) -> Path:
    """Install the default model; returns the installed folder."""
    spec = default_spec()
    models_dir = request.models_dir or default_models_dir()
    target = models_dir / spec.name
    if target.exists() and not request.force:
        say(f"The model is already installed in {target}.")
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    # Work beside the target so the final rename stays on one file system; the dot-name
    # never looks like a model, so an interrupted install leaves nothing that could be used.
    with tempfile.TemporaryDirectory(prefix=f".{spec.name}.", dir=models_dir) as work_name:
        work = Path(work_name)
        unpacked = work / "model"
        if request.source is not None:
            _unpack_user_source(request, spec, unpacked)
        else:
            archive = _fetch_archive(spec, work, say)
            extract_model(archive, unpacked)
        _check_loads(unpacked, request.source)
        _replace(unpacked, target, work)
    say(f"Installed the speech model in {target}.")
    return target


def _unpack_user_source(request: InstallRequest, spec: ModelSpec, unpacked: Path) -> None:
    source = request.source
    assert source is not None
    if not source.exists():
        raise UserError(f"{source} does not exist; give the path of a model archive or folder.")
    if source.is_dir():
        copy_model_folder(source, unpacked)
        return
    check_checksum(source, spec, request.sha256)
    extract_model(source, unpacked)


def check_checksum(archive: Path, spec: ModelSpec, expected: str | None = None) -> None:
    """Refuse an archive whose SHA-256 is neither listed in the manifest nor the one given."""
    actual = sha256_of(archive)
    allowed = {expected.lower()} if expected else {known.sha256 for known in spec.archives}
    if actual not in allowed:
        raise UserError(
            f"Refusing {archive.name}: its SHA-256 {actual[:16]}… matches no known model archive. "
            "Download it again, or pass --sha256 with the checksum its publisher gives."
        )


def _fetch_archive(spec: ModelSpec, work: Path, say: Callable[[str], None]) -> Path:
    """Try each published source in manifest order; the first checked archive wins."""
    failures = []
    for archive in spec.archives:
        fetch = _fetch_from_maven if archive.maven else _fetch_from_url
        try:
            path = fetch(archive, work, say)
        except _SourceUnavailable as reason:
            failures.append(str(reason))
            continue
        check_checksum(path, spec)
        return path
    raise UserError(
        "Could not fetch the speech model (" + "; ".join(failures) + "). "
        "Download vosk-model-small-en-us-0.15.zip on another machine and run: "
        f"{command('model install --from FILE')}"
    )


class _SourceUnavailable(Exception):
    """This source cannot be used here; try the next one."""


def _fetch_from_maven(archive: Archive, work: Path, say: Callable[[str], None]) -> Path:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise _SourceUnavailable("mvn is not installed")
    assert archive.maven is not None
    say(f"Fetching {archive.maven} from Maven Central with mvn …")
    command = [
        mvn, "--batch-mode", "--quiet", "dependency:copy",
        f"-Dartifact={archive.maven}", f"-DoutputDirectory={work}",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    path = work / archive.file
    if result.returncode != 0 or not path.is_file():
        raise _SourceUnavailable(f"mvn could not fetch {archive.maven}")
    return path


def _fetch_from_url(archive: Archive, work: Path, say: Callable[[str], None]) -> Path:
    assert archive.url is not None
    say(f"Downloading {archive.url} …")
    path = work / archive.file
    try:
        with urllib.request.urlopen(archive.url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            total = int(response.headers.get("Content-Length") or archive.size)
            with (
                path.open("wb") as out,
                tqdm(
                    total=total, unit="B", unit_scale=True, desc="Downloading", disable=None
                ) as bar,
            ):
                while chunk := response.read(1024 * 1024):
                    out.write(chunk)
                    bar.update(len(chunk))
    except OSError as error:  # URLError, timeouts and refused connections are all OSErrors
        raise _SourceUnavailable(f"{archive.url} could not be reached ({error})") from error
    return path


def _check_loads(unpacked: Path, source: Path | None) -> None:
    """Refuse anything Vosk cannot load before it is put in place."""
    try:
        load_vosk_model(unpacked)
    except UserError as error:
        origin = source.name if source else "the downloaded archive"
        raise UserError(
            f"The model in {origin} could not be loaded by Vosk, so it was not installed; "
            "use the official vosk-model-small-en-us-0.15 archive."
        ) from error


def _replace(unpacked: Path, target: Path, work: Path) -> None:
    """Put the checked model in place; an old model is moved aside first, then removed."""
    if target.exists():
        target.rename(work / "previous")
    unpacked.rename(target)
