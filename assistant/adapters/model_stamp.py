"""Which lexicon an adapted speech model was built from, and whether it still matches.

The adapted model (``model adapt``) sits beside the general one, named after it with
:data:`ADAPTED_SUFFIX`, and holds a stamp file recording the checksums of what it was built
from. It is used only while those match the lexicon and carriers in use: the graph that
hears a person always matches the words the assistant understands.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

import tomli_w

from assistant.adapters.archive import sha256_of
from assistant.adapters.domain_text import CARRIERS_FILE
from intents.load import DEFAULT_LEXICON

ADAPTED_SUFFIX = "-therapy"
"""The adapted model's folder is the general one's name with this added."""
STAMP_FILE = "adaptation.toml"
"""The stamp, in the adapted model's folder."""
BUILDER_VERSION = 1
"""Raised whenever the build makes different bytes from the same inputs."""
METHOD = "union"
"""How the domain and general language models are mixed (see model_adapt)."""
DOMAIN_WEIGHT = 0.6
"""The domain side's weight in the union: measured on the development corpus (README)."""


@dataclass(frozen=True)
class Stamp:
    """What an adapted model was built from and how."""

    builder_version: int
    """:data:`BUILDER_VERSION` of the build."""
    method: str
    """How the language models were mixed."""
    weight: float
    """The domain side's weight."""
    lexicon_sha256: str
    """SHA-256 of the lexicon file the domain text came from."""
    carriers_sha256: str
    """SHA-256 of the carriers file the domain text came from."""
    general_model: str
    """Folder name of the general model it was built from."""
    general_graph_sha256: str
    """SHA-256 of that model's graph/Gr.fst."""
    graph_sha256: str
    """SHA-256 of the adapted graph/Gr.fst."""
    sentences: int
    """Domain sentences the language model was estimated from."""


@dataclass(frozen=True)
class Inputs:
    """The files an adapted model is built from."""

    lexicon: Path = DEFAULT_LEXICON
    """The lexicon (the packaged one is the one the assistant uses)."""
    carriers: Path = CARRIERS_FILE
    """The carrier sentences."""
    weight: float = DOMAIN_WEIGHT
    """The domain side's weight."""


DEFAULT_INPUTS = Inputs()
"""What the assistant's own adapted model is built from."""


def adapted_dir(general_dir: Path) -> Path:
    """Where the adapted model built from ``general_dir`` lives: beside it."""
    return general_dir.parent / f"{general_dir.name}{ADAPTED_SUFFIX}"


def is_adapted(model_dir: Path) -> bool:
    """True for a folder the adapted-model build made."""
    return (model_dir / STAMP_FILE).is_file()


def read_stamp(model_dir: Path) -> Stamp | None:
    """The stamp of an adapted model; None when there is none or it cannot be read."""
    try:
        data = tomllib.loads((model_dir / STAMP_FILE).read_text(encoding="utf-8"))
        return Stamp(**data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TypeError):
        return None


def write_stamp(model_dir: Path, stamp: Stamp) -> None:
    """Write the stamp (the same stamp gives the same bytes)."""
    header = "# What this adapted speech model was built from (python -m assistant model adapt).\n"
    (model_dir / STAMP_FILE).write_text(header + tomli_w.dumps(asdict(stamp)), encoding="utf-8")


@dataclass(frozen=True)
class Freshness:
    """Whether an adapted model may be used with the inputs in use."""

    model_dir: Path
    """The adapted model's folder."""
    stamp: Stamp | None
    """Its stamp, when it has one."""
    problem: str | None
    """Why it may not be used ("is missing", "was built from another lexicon"), or None."""

    @property
    def current(self) -> bool:
        """True when it matches the inputs in use."""
        return self.problem is None


def freshness(
    model_dir: Path, inputs: Inputs = DEFAULT_INPUTS, general_graph: Path | None = None
) -> Freshness:
    """Compare an adapted model's stamp with ``inputs``; given ``general_graph``, also with the
    general model's graph and its own (hashing 60 MB takes a moment, so hearing leaves it out)."""
    stamp = read_stamp(model_dir)
    if stamp is None:
        missing = "is missing" if not model_dir.exists() else "has no readable stamp"
        return Freshness(model_dir, None, missing)
    problem: str | None = None
    if stamp.builder_version != BUILDER_VERSION or stamp.method != METHOD:
        problem = "was built by another version of the assistant"
    elif stamp.weight != inputs.weight:
        problem = f"was built with another domain weight ({stamp.weight}, not {inputs.weight})"
    elif stamp.lexicon_sha256 != sha256_of(inputs.lexicon):
        problem = f"was built from another lexicon than {inputs.lexicon}"
    elif stamp.carriers_sha256 != sha256_of(inputs.carriers):
        problem = f"was built from other carrier sentences than {inputs.carriers}"
    elif general_graph is not None and stamp.general_graph_sha256 != sha256_of(general_graph):
        problem = "was built from another general model"
    elif general_graph is not None and stamp.graph_sha256 != _graph_sha256(model_dir):
        problem = "is damaged (its graph/Gr.fst is not the one built)"
    return Freshness(model_dir, stamp, problem)


def _graph_sha256(model_dir: Path) -> str | None:
    graph = model_dir / "graph" / "Gr.fst"
    return sha256_of(graph) if graph.is_file() else None
