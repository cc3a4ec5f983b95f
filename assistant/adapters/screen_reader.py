"""Whether someone already listens through speech-dispatcher: Orca running, or another program
connected to the daemon.

Orca names its process "orca" (setproctitle, or the script's name), and finds other copies of
itself the same way (``pgrep -x orca``). speech-dispatcher 0.11 cannot list its clients
(``HISTORY GET CLIENT_LIST`` is not implemented), so the daemon's connections are read from the
kernel instead: ``ss`` gives each connection's peer socket, and /proc tells whose it is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ORCA = "orca"
"""Orca's process name."""
_PROC = Path("/proc")
_SOCKET_LINK = re.compile(r"socket:\[(\d+)\]")


@dataclass(frozen=True)
class Listener:
    """A program that speaks through speech-dispatcher already."""

    pid: int
    """Its process id."""
    name: str
    """Its process name ("orca", "firefox-esr", ...)."""

    @property
    def is_orca(self) -> bool:
        """Whether it is the Orca screen reader."""
        return self.name == ORCA


def _processes(uid: int) -> list[tuple[int, str]]:
    """(pid, name) of this user's processes."""
    found = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            found.append((int(entry.name), (entry / "comm").read_text().strip()))
        except OSError:  # it ended meanwhile
            continue
    return found


def orca_running(uid: int | None = None) -> Listener | None:
    """The user's running Orca, if there is one."""
    uid = os.getuid() if uid is None else uid
    for pid, name in _processes(uid):
        if name == ORCA:
            return Listener(pid, name)
    return None


def _peer_inodes(socket: Path) -> set[str]:
    """Inodes of the client ends of the connections to the daemon's ``socket``."""
    if shutil.which("ss") is None:
        return set()
    try:
        listing = subprocess.run(
            ["ss", "-xH", "state", "connected"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    peers = set()
    for line in listing.splitlines():
        # e.g. "u_str 0 0 /run/user/1000/speech-dispatcher/speechd.sock 46620 * 46619": the
        # server's end, its inode, then the peer's inode.
        parts = line.split()
        if str(socket) in parts:
            at = parts.index(str(socket))
            if at + 3 < len(parts):
                peers.add(parts[at + 3])
    return peers


def dispatcher_clients(socket: Path, uid: int | None = None) -> list[Listener]:
    """The programs of this user connected to the speech-dispatcher at ``socket``."""
    uid = os.getuid() if uid is None else uid
    peers = _peer_inodes(socket)
    if not peers:
        return []
    clients = []
    for pid, name in _processes(uid):
        try:
            links = [os.readlink(fd) for fd in (_PROC / str(pid) / "fd").iterdir()]
        except OSError:
            continue
        inodes = {m.group(1) for link in links if (m := _SOCKET_LINK.fullmatch(link))}
        if inodes & peers and pid != os.getpid():
            clients.append(Listener(pid, name))
    return clients


def someone_listening(socket: Path) -> Listener | None:
    """Orca if it runs, else another program already speaking through speech-dispatcher."""
    orca = orca_running()
    if orca is not None:
        return orca
    clients = dispatcher_clients(socket)
    return clients[0] if clients else None
