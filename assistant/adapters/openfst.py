"""The OpenFst command-line tools (Debian's libfst-tools), run on the model's decoding graph.

The shipped graph/Gr.fst is of OpenFst's ``ngram`` type, which only the tools' plugin
(libfst22-plugins-base, in the multiarch library folder's ``fst/22``) can read; every tool runs
with that folder on the loader's path.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.core.errors import UserError

TOOLS = ("fstsymbols", "fstprint", "fstcompile", "fstunion", "fstarcsort", "fstconvert")
"""The tools the model build runs."""
PACKAGES = ("libfst-tools", "libfst22-plugins-base")
"""The Debian packages that hold the tools and the plugin for ngram-type FSTs."""
PLUGIN = "ngram-fst.so"
"""The plugin that reads the shipped graph's FST type."""
PLUGIN_FOLDERS = ("/usr/lib/*-linux-gnu/fst/22", "/usr/lib/*-linux-gnu/fst", "/usr/lib/fst")
"""Where Debian and Ubuntu put the plugins (the first is libfst22-plugins-base's)."""


def install_command() -> str:
    """The command that installs the tools here."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install {' '.join(PACKAGES)}"


def plugin_folder() -> Path | None:
    """The folder holding the ngram plugin, or None."""
    for pattern in PLUGIN_FOLDERS:
        for folder in sorted(glob.glob(pattern)):
            if Path(folder, PLUGIN).is_file():
                return Path(folder)
    return None


def check_installed() -> None:
    """A one-line UserError naming the apt-get command when a tool or the plugin is missing."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if plugin_folder() is None:
        missing.append(PLUGIN)
    if missing:
        raise UserError(
            f"Building the adapted speech model needs the OpenFst tools ({missing[0]} is "
            f"missing); install them with: {install_command()}"
        )


def _environment() -> dict[str, str]:
    folder = plugin_folder()
    env = dict(os.environ)
    if folder is not None:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            part for part in (str(folder), env.get("LD_LIBRARY_PATH", "")) if part
        )
    return env


def run(tool: str, *arguments: str | Path) -> None:
    """Run one tool; its failure is one line naming the tool and its last message."""
    result = subprocess.run(
        [tool, *map(str, arguments)],
        env=_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or [f"exit code {result.returncode}"]
        raise UserError(f"{tool} failed ({lines[-1]}); check the OpenFst tools and the model.")


@contextmanager
def printed(fst: Path) -> Iterator[Iterator[str]]:
    """The lines of ``fstprint --numeric --acceptor FST``, read as they come; the tool is
    stopped when the caller has read enough."""
    process = subprocess.Popen(
        ["fstprint", "--numeric", "--acceptor", str(fst)],
        env=_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        yield iter(process.stdout)
    finally:
        process.kill()
        process.stdout.close()
        process.wait()


def save_symbols(fst: Path, table: Path) -> None:
    """Write the output symbol table stored in ``fst``."""
    run("fstsymbols", f"--save_osymbols={table}", fst, os.devnull)


def without_symbols(fst: Path, out: Path) -> None:
    """``fst`` as a vector FST with no symbol tables (OpenFst 1.7.9 cannot read back the
    shipped table, which lists </s> twice)."""
    run("fstsymbols", "--clear_isymbols", "--clear_osymbols", fst, out)


def compile_text(text: Path, out: Path) -> None:
    """Compile OpenFst text (numeric labels) to a vector FST."""
    run("fstcompile", text, out)


def union(first: Path, second: Path, out: Path) -> None:
    """Paths of either FST (an epsilon arc from the first's start to the second's)."""
    run("fstunion", first, second, out)


def arc_sorted_const(fst: Path, out: Path, work: Path) -> None:
    """``fst`` with each state's arcs sorted by label, as a const FST (Vosk decodes it fastest)."""
    sorted_fst = work / "sorted.fst"
    run("fstarcsort", "--sort_type=ilabel", fst, sorted_fst)
    run("fstconvert", "--fst_type=const", sorted_fst, out)
