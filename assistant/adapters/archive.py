"""Safe unpacking of model archives (zip, AAR, tar.gz): no escaping paths, no links, no bombs."""

from __future__ import annotations

import shutil
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from tqdm import tqdm

from assistant.core.errors import UserError

# The small English model unpacks to about 70 MB; anything far larger is not a model we know.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MODEL_MARKER = "am/final.mdl"
_CHUNK = 1024 * 1024
_Opener = Callable[[str], IO[bytes]]


@dataclass(frozen=True)
class Member:
    """One regular file inside an archive, already checked to be safe."""

    name: str
    """Path inside the archive, with forward slashes."""
    size: int
    """Unpacked size in bytes."""


def check_member_name(archive: Path, name: str) -> PurePosixPath:
    """Refuse names that would land outside the target folder."""
    path = PurePosixPath(name)
    # A drive letter ("c:") is absolute on Windows even without a leading slash.
    if path.is_absolute() or name.startswith("\\") or (path.parts and ":" in path.parts[0]):
        raise UserError(f"Refusing {archive.name}: it holds an absolute path ({name}).")
    if ".." in path.parts or "\\" in name:
        raise UserError(
            f"Refusing {archive.name}: it holds a path that leaves its folder ({name})."
        )
    return path


def _zip_members(archive: Path, zipped: zipfile.ZipFile) -> list[Member]:
    members = []
    for info in zipped.infolist():
        check_member_name(archive, info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UserError(f"Refusing {archive.name}: it holds a link ({info.filename}).")
        if not info.is_dir():
            members.append(Member(info.filename, info.file_size))
    return members


def _tar_members(archive: Path, tarred: tarfile.TarFile) -> list[Member]:
    members = []
    for info in tarred.getmembers():
        check_member_name(archive, info.name)
        if info.issym() or info.islnk():
            raise UserError(f"Refusing {archive.name}: it holds a link ({info.name}).")
        if info.isfile():
            members.append(Member(info.name, info.size))
        elif not info.isdir():
            raise UserError(f"Refusing {archive.name}: it holds a special file ({info.name}).")
    return members


@contextmanager
def _open_members(archive: Path) -> Iterator[tuple[list[Member], _Opener]]:
    """Open a zip/AAR or tar archive and list its checked members."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zipped:
            yield _zip_members(archive, zipped), lambda name: zipped.open(name)
        return
    if tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tarred:

            def open_tar(name: str) -> IO[bytes]:
                extracted = tarred.extractfile(name)
                assert extracted is not None  # members are regular files, checked above
                return extracted

            yield _tar_members(archive, tarred), open_tar
        return
    raise UserError(
        f"{archive} is not a zip, AAR or tar archive; give the model's archive or folder."
    )


def find_model_root(archive: Path, members: list[Member]) -> PurePosixPath:
    """The folder inside the archive that holds the model (the parent of am/final.mdl)."""
    for member in members:
        path = PurePosixPath(member.name)
        if path.as_posix() == MODEL_MARKER or path.as_posix().endswith("/" + MODEL_MARKER):
            return path.parent.parent
    raise UserError(f"{archive.name} holds no Vosk model ({MODEL_MARKER} is missing).")


def extract_model(archive: Path, target: Path) -> None:
    """Unpack the model folder inside archive into target (which must not exist yet)."""
    try:
        _extract_model(archive, target)
    except (zipfile.BadZipFile, tarfile.TarError, zlib.error, EOFError) as error:
        raise UserError(f"{archive.name} is damaged ({error}); download it again.") from error


def _extract_model(archive: Path, target: Path) -> None:
    with _open_members(archive) as (members, open_member):
        root = find_model_root(archive, members)
        wanted = [m for m in members if root in PurePosixPath(m.name).parents]
        total = sum(member.size for member in wanted)
        if total > MAX_UNPACKED_BYTES:
            raise UserError(
                f"Refusing {archive.name}: it would unpack to {total // 2**20} MiB, "
                f"more than the {MAX_UNPACKED_BYTES // 2**20} MiB a model may take."
            )
        target.mkdir(parents=True)
        with tqdm(total=total, unit="B", unit_scale=True, desc="Unpacking", disable=None) as bar:
            for member in wanted:
                relative = PurePosixPath(member.name).relative_to(root)
                destination = target.joinpath(*relative.parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                written = _copy_bounded(open_member(member.name), destination, member.size)
                bar.update(written)


def _copy_bounded(source: IO[bytes], destination: Path, declared: int) -> int:
    """Copy one member, refusing more bytes than its header declared (a lying zip bomb)."""
    written = 0
    with source, destination.open("wb") as out:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > declared:
                raise UserError(
                    f"Refusing the archive: {destination.name} is larger than declared."
                )
            out.write(chunk)
    return written


def copy_model_folder(source: Path, target: Path) -> None:
    """Copy an unpacked model folder, refusing links that could point anywhere."""
    for path in source.rglob("*"):
        if path.is_symlink():
            raise UserError(
                f"Refusing {source}: it holds a link ({path}). Copy the real files instead."
            )
    shutil.copytree(source, target)
