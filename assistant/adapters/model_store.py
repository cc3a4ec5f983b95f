"""Where the Vosk model lives: the manifest of known archives, run-time lookup and verification.

Nothing here downloads: installing is `assistant.adapters.model_install`, run only when asked.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.adapters.installation import checkout_dir, command
from assistant.adapters.model_stamp import DEFAULT_INPUTS, Inputs, adapted_dir, freshness
from assistant.core.errors import UserError

MANIFEST = "model_manifest.toml"
"""The manifest's file name inside this package (``models/manifest.toml`` in a checkout)."""


def install_command() -> str:
    """The command that installs the model, as it is run here."""
    return command("model install")


def checkout_models_dir() -> Path | None:
    """The checkout's ``models/`` folder, or None when installed as a package."""
    root = checkout_dir()
    return None if root is None else root / "models"


@dataclass(frozen=True)
class Archive:
    """One published archive that holds a model."""

    file: str
    """File name of the archive."""
    sha256: str
    """Expected SHA-256 of the whole archive, lower-case hex."""
    size: int
    """Expected size in bytes."""
    maven: str | None = None
    """Maven coordinates group:artifact:version:packaging, when published on Maven Central."""
    url: str | None = None
    """Direct download address, when published on a web page."""


@dataclass(frozen=True)
class ModelSpec:
    """A model the manifest knows."""

    name: str
    """Folder name the model is installed under."""
    required_files: tuple[str, ...]
    """Paths, relative to the model folder, that must exist for it to load."""
    archives: tuple[Archive, ...]
    """Where it can be had, in the order to try."""


@cache
def load_manifest() -> dict[str, Any]:
    """Read the manifest of known model archives, shipped inside the package."""
    source = resources.files(__package__ or "assistant.adapters").joinpath(MANIFEST)
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        fix = (
            "restore it with: git checkout assistant/adapters/model_manifest.toml"
            if checkout_dir() is not None
            else "reinstall the assistant with: pip install --force-reinstall therapy-assistant"
        )
        raise UserError(f"Cannot read the model manifest {source} ({error}); {fix}") from error


def default_spec() -> ModelSpec:
    """The model the assistant uses unless told otherwise."""
    manifest = load_manifest()
    name: str = manifest["default"]
    entry = manifest["models"][name]
    return ModelSpec(
        name=name,
        required_files=tuple(entry["required_files"]),
        archives=tuple(Archive(**archive) for archive in entry["archives"]),
    )


def user_models_dir() -> Path:
    """The per-user data folder: where models live outside a checkout (or when the checkout's
    models/ is not writable)."""
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "therapy-assistant" / "models"


def candidate_dirs(explicit: Path | None = None) -> list[Path]:
    """Model folders in lookup order: --model, VOSK_MODEL_PATH, checkout models/, user data."""
    name = default_spec().name
    candidates = []
    if explicit is not None:
        candidates.append(explicit)
    if env_path := os.environ.get("VOSK_MODEL_PATH"):
        candidates.append(Path(env_path))
    if (models := checkout_models_dir()) is not None:
        candidates.append(models / name)
    candidates.append(user_models_dir() / name)
    return candidates


def named_by_env() -> bool:
    """True when VOSK_MODEL_PATH names the model folder."""
    return bool(os.environ.get("VOSK_MODEL_PATH"))


def resolve_model_dir(explicit: Path | None = None) -> Path:
    """The model folder to use; a clear error naming the install command when there is none.

    An explicit --model or VOSK_MODEL_PATH is never silently skipped: if the user named a folder,
    that folder is the one used (and checked).
    """
    if explicit is not None:
        return _checked_named_dir(explicit, "--model")
    if env_path := os.environ.get("VOSK_MODEL_PATH"):
        return _checked_named_dir(Path(env_path), "VOSK_MODEL_PATH")
    for candidate in candidate_dirs():
        if candidate.is_dir():
            return candidate
    raise UserError(f"No speech model is installed. Install it with: {install_command()}")


@dataclass(frozen=True)
class HearingModel:
    """The model that hears a person, and why it is not the adapted one when it is not."""

    path: Path
    """The model folder to load."""
    adapted: bool
    """True for the domain-adapted model (``model adapt``)."""
    general: Path
    """The general model it was chosen beside (the same as ``path`` when not adapted)."""
    note: str | None = None
    """One line saying the general model is used instead of a missing or stale adapted one,
    with the command that fixes it; None otherwise."""


def hearing_model_dir(explicit: Path | None = None) -> HearingModel:
    """The model for hearing what a person describes: see :func:`hearing_beside`.

    A folder named by --model or VOSK_MODEL_PATH is used as given, adapted or not.
    """
    if explicit is not None or named_by_env():
        named = resolve_model_dir(explicit)
        return HearingModel(named, adapted=False, general=named)
    return hearing_beside(resolve_model_dir())


def hearing_beside(general: Path, inputs: Inputs = DEFAULT_INPUTS) -> HearingModel:
    """The adapted model beside ``general`` when its stamp matches ``inputs`` (the lexicon in
    use), else ``general`` with a note saying so."""
    state = freshness(adapted_dir(general), inputs)
    if state.current:
        return HearingModel(state.model_dir, adapted=True, general=general)
    note = general_model_note(state.problem or "")
    return HearingModel(general, adapted=False, general=general, note=note)


def general_model_note(problem: str, fix: str = "model adapt") -> str:
    """The one line said when hearing falls back to the general model."""
    return (
        f"The adapted speech model {problem}, so the general model is used; "
        f"build it with: {command(fix)}"
    )


def _checked_named_dir(path: Path, source: str) -> Path:
    if not path.exists():
        raise UserError(
            f"The model folder {path} given by {source} does not exist; "
            f"fix the path or install the model with: {install_command()}"
        )
    if not path.is_dir():
        raise UserError(f"The model path {path} given by {source} is not a folder; give a folder.")
    return path


def missing_files(model_dir: Path, spec: ModelSpec | None = None) -> list[str]:
    """Required files that are absent or empty in model_dir."""
    spec = spec or default_spec()
    return [
        relative
        for relative in spec.required_files
        if not (model_dir / relative).is_file() or (model_dir / relative).stat().st_size == 0
    ]


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Hide Kaldi's own error lines: they bypass Vosk's log level and would make a traceback-like
    wall of text where the user should see one line."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def load_vosk_model(model_dir: Path) -> Any:
    """Load a Vosk model, turning Vosk's bare exception into a one-line fix."""
    if missing := missing_files(model_dir):
        raise UserError(
            f"The speech model in {model_dir} is incomplete (missing {missing[0]}); "
            f"reinstall it with: {install_command()} --force"
        )
    import vosk  # imported here so commands that never listen stay quick to start

    vosk.SetLogLevel(-1)
    try:
        with _native_stderr_silenced():
            model = vosk.Model(str(model_dir))
            # Some damage (a truncated decoding graph) only shows when a recogniser is made.
            vosk.KaldiRecognizer(model, 16000)
            return model
    except Exception as error:  # vosk raises a bare Exception for any load failure
        raise UserError(
            f"The speech model in {model_dir} could not be loaded; "
            f"reinstall it with: {install_command()} --force"
        ) from error
