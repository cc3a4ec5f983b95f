"""How this copy of the assistant was installed: run from the project's checkout, or installed as
a package. Messages name the command and the folders that fit it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PROGRAM = "therapy-assistant"
"""The console script's name."""


@cache
def checkout_dir() -> Path | None:
    """The project checkout this code runs from, or None when installed as a package.

    A checkout has the project file and the models folder beside the package; site-packages
    has neither (it may well have some other project's ``models`` folder).
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "models" / "README.md").is_file():
        return root
    return None


def command(arguments: str) -> str:
    """How to run one of the assistant's commands here, e.g. ``command("model install")``."""
    program = "python -m assistant" if checkout_dir() is not None else PROGRAM
    return f"{program} {arguments}"
