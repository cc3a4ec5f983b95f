"""Run the real command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys

from support import REPO as ROOT

ASK_JSON_KEYS = [
    "text",
    "transcript",
    "recommendation",
    "urgency",
    "concerns",
    "red_flags",
    "explanation",
    "reply",
]
"""The keys of one `ask --json` object, in order (ARCHITECTURE.md's contract)."""
ASK_WAV_JSON_KEYS = [*ASK_JSON_KEYS, "alternatives", "possible_red_flags"]
"""The keys for a recording (`ask --json --wav`): also the N-best hearings and the red flags
heard only in one of them."""

WITHOUT_READ_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
"""Runs a command as root but without the power to read files whatever their permissions, so a
file with mode 0 is unreadable to it, while everything else of the checkout, the interpreter and
its packages stays readable wherever they are (unlike a switch to the user "nobody")."""


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`python -m assistant ARGS` with the checkout on the path; text in, text out."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 2, exactly one line on stderr that holds each fragment, and no traceback."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
