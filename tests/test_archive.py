"""Crafted archives: escaping paths, links and bombs are refused before anything is written."""

from __future__ import annotations

import io
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from assistant.adapters.archive import MAX_UNPACKED_BYTES, extract_model
from assistant.core.errors import UserError

MODEL_FILE = "model/am/final.mdl"


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


def _tar(path: Path, add: list[tarfile.TarInfo]) -> Path:
    with tarfile.open(path, "w:gz") as tarred:
        for info in add:
            data = b"x" * info.size if info.isfile() else None
            tarred.addfile(info, io.BytesIO(data) if data else None)
    return path


def _file(name: str, size: int = 1) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    return info


def _link(name: str, target: str, kind: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info


def test_a_good_archive_unpacks_only_the_model_folder(tmp_path: Path) -> None:
    archive = _zip(
        tmp_path / "m.aar", {MODEL_FILE: b"am", "model/conf/model.conf": b"c", "classes.jar": b"j"}
    )
    extract_model(archive, tmp_path / "out")
    assert (tmp_path / "out/am/final.mdl").read_bytes() == b"am"
    assert (tmp_path / "out/conf/model.conf").read_bytes() == b"c"
    assert not (tmp_path / "out/classes.jar").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../evil.txt", "leaves its folder"),
        ("model/../../evil", "leaves its folder"),
        ("/etc/evil", "absolute path"),
        ("c:/evil", "absolute path"),
    ],
)
def test_zip_with_escaping_path_is_refused(tmp_path: Path, name: str, message: str) -> None:
    archive = _zip(tmp_path / "evil.zip", {MODEL_FILE: b"x", name: b"x"})
    with pytest.raises(UserError, match=message):
        extract_model(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_zip_with_symlink_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(MODEL_FILE, b"x")
        link = zipfile.ZipInfo("model/conf/model.conf")
        link.external_attr = 0o120777 << 16  # a symbolic link's mode bits
        zipped.writestr(link, "/etc/passwd")
    with pytest.raises(UserError, match="link"):
        extract_model(archive, tmp_path / "out")


@pytest.mark.parametrize(
    "member",
    [
        _link("model/conf/model.conf", "/etc/passwd", tarfile.SYMTYPE),
        _link("model/conf/model.conf", MODEL_FILE, tarfile.LNKTYPE),
    ],
    ids=["symlink", "hardlink"],
)
def test_tar_with_link_is_refused(tmp_path: Path, member: tarfile.TarInfo) -> None:
    archive = _tar(tmp_path / "link.tar.gz", [_file(MODEL_FILE), member])
    with pytest.raises(UserError, match="link"):
        extract_model(archive, tmp_path / "out")


def test_tar_with_dotdot_is_refused(tmp_path: Path) -> None:
    archive = _tar(tmp_path / "up.tar.gz", [_file(MODEL_FILE), _file("../../evil")])
    with pytest.raises(UserError, match="leaves its folder"):
        extract_model(archive, tmp_path / "out")


def test_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    zeros = bytes(64 * 1024 * 1024)
    with (
        zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped,
        zipped.open(MODEL_FILE, "w", force_zip64=True) as member,
    ):
        for _ in range(MAX_UNPACKED_BYTES // len(zeros) + 1):
            member.write(zeros)
    assert archive.stat().st_size < 5 * 1024 * 1024  # small on disk, huge unpacked
    with pytest.raises(UserError, match="would unpack to"):
        extract_model(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_member_larger_than_its_header_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "liar.zip", {MODEL_FILE: b"y" * 1000})
    data = bytearray(archive.read_bytes())
    # Shrink the declared size in the central directory (the one zipfile trusts) to 10 bytes.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    with pytest.raises(UserError):
        extract_model(archive, tmp_path / "out")


def test_archive_without_a_model_is_refused(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "none.zip", {"readme.txt": b"hello"})
    with pytest.raises(UserError, match="holds no Vosk model"):
        extract_model(archive, tmp_path / "out")


def test_not_an_archive_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "model.zip"
    path.write_text("not an archive")
    with pytest.raises(UserError, match="not a zip, AAR or tar"):
        extract_model(path, tmp_path / "out")


def test_tar_bomb_of_sparse_files_is_refused_before_unpacking(tmp_path: Path) -> None:
    # GNU tar stores a sparse file as its map: a 2 GiB model file packs to a few hundred bytes.
    source = tmp_path / "source"
    (source / "model" / "am").mkdir(parents=True)
    with (source / MODEL_FILE).open("wb") as big:
        big.truncate(2 * MAX_UNPACKED_BYTES)
    archive = tmp_path / "bomb.tar.gz"
    pack = ["tar", "--sparse", "-czf", str(archive), "-C", str(source), "model"]
    subprocess.run(pack, check=True)
    assert archive.stat().st_size < 4096  # tiny on disk, huge unpacked
    with pytest.raises(UserError, match="would unpack to"):
        extract_model(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", [tarfile.FIFOTYPE, tarfile.CHRTYPE, tarfile.BLKTYPE])
def test_tar_with_special_file_is_refused(tmp_path: Path, kind: bytes) -> None:
    special = tarfile.TarInfo("model/conf/model.conf")
    special.type = kind
    archive = _tar(tmp_path / "special.tar.gz", [_file(MODEL_FILE), special])
    with pytest.raises(UserError, match="special file"):
        extract_model(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_zip_with_backslash_path_is_refused(tmp_path: Path) -> None:
    # Windows tools write "..\\evil" meaning the parent folder.
    archive = _zip(tmp_path / "evil.zip", {MODEL_FILE: b"x", "model\\..\\..\\evil.txt": b"x"})
    with pytest.raises(UserError, match="leaves its folder"):
        extract_model(archive, tmp_path / "out")
