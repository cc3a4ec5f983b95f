"""Sound devices through sounddevice (PortAudio): finding, listing and describing them.

sounddevice is imported lazily: PortAudio reads the ALSA configuration when it starts, and the
typed-text commands should work on machines without any audio stack.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.adapters.installation import command
from assistant.core.errors import UserError

DEVICES_HINT = f"list them with: {command('devices')}"
DEVICE_UNAVAILABLE = -9985
"""PortAudio's paDeviceUnavailable."""


class MicrophoneError(UserError):
    """No microphone, a busy one, or one that stopped working."""


class PlaybackError(UserError):
    """No speaker, or one that stopped working."""


@dataclass(frozen=True)
class DeviceInfo:
    """One sound device as PortAudio sees it."""

    index: int
    """Number to pass as --device."""
    name: str
    """Name to pass as --device (a unique part of it is enough)."""
    host_api: str
    """Audio system behind it, e.g. ALSA."""
    inputs: int
    """Most input channels; 0 for a device that cannot record."""
    outputs: int
    """Most output channels; 0 for a device that cannot play."""
    default_samplerate: float
    """The device's own sample rate in Hz."""
    is_default_input: bool
    """Whether it is the system's default microphone."""
    is_default_output: bool
    """Whether it is the system's default speaker."""


_alsa_quiet: Any = None  # keeps the C callback alive for as long as the library may call it


def _quiet_alsa() -> None:
    """Stop ALSA printing its own diagnostics on stderr; failures reach us as error codes anyway.

    Device probing on an ordinary desktop prints lines such as "unable to open slave", which would
    bury the one-line messages this program promises.
    """
    global _alsa_quiet
    if _alsa_quiet is not None:
        return
    name = ctypes.util.find_library("asound")
    if name is None:
        _alsa_quiet = False
        return
    try:
        library = ctypes.CDLL(name)
        handler_type = ctypes.CFUNCTYPE(
            None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
        )
        _alsa_quiet = handler_type(lambda *_args: None)
        library.snd_lib_error_set_handler(_alsa_quiet)
    except (OSError, AttributeError):
        _alsa_quiet = False


def sounddevice_module() -> Any:
    """The sounddevice module; UserError when PortAudio is not installed."""
    _quiet_alsa()
    try:
        import sounddevice
    except OSError as error:
        raise UserError(
            "The PortAudio sound library is missing; run: sudo apt-get install libportaudio2"
        ) from error
    return sounddevice


def refresh_devices() -> None:
    """Re-scan the sound devices (PortAudio lists them once, when it starts).

    Call it only while no stream is open, e.g. before retrying a microphone that went away.
    """
    sd = sounddevice_module()
    sd._terminate()
    sd._initialize()


def list_devices() -> list[DeviceInfo]:
    """All sound devices, with their channels and rates."""
    sd = sounddevice_module()
    default_in, default_out = _default_indices(sd)
    devices = []
    for raw in sd.query_devices():
        index = int(raw["index"])
        devices.append(
            DeviceInfo(
                index=index,
                name=str(raw["name"]),
                host_api=str(sd.query_hostapis(raw["hostapi"])["name"]),
                inputs=int(raw["max_input_channels"]),
                outputs=int(raw["max_output_channels"]),
                default_samplerate=float(raw["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def _default_indices(sd: Any) -> tuple[int, int]:
    try:
        default_in, default_out = sd.default.device
    except (TypeError, ValueError):
        return -1, -1
    return _as_index(sd, default_in, "input"), _as_index(sd, default_out, "output")


def _as_index(sd: Any, value: Any, kind: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(sd.query_devices(value, kind)["index"])
    except (ValueError, sd.PortAudioError):
        return -1


def format_devices(devices: Sequence[DeviceInfo]) -> str:
    """A table for ``python -m assistant devices``; ``*`` marks the default microphone."""
    microphones = [device for device in devices if device.inputs > 0]
    lines = []
    for device in devices:
        mark = "*" if device.is_default_input else " "
        roles = []
        if device.inputs:
            roles.append(f"{device.inputs} in")
        if device.outputs:
            roles.append(f"{device.outputs} out")
        lines.append(
            f"{mark}{device.index:>3}  {device.name}  ({device.host_api}, {', '.join(roles)}, "
            f"{device.default_samplerate:.0f} Hz)"
        )
    if not microphones:
        lines.append("No microphone found; plug one in and run this again.")
    else:
        lines.append("Choose one with --device NUMBER or --device NAME; * marks the default.")
    return "\n".join(lines)


def device_error_reason(error: BaseException) -> str:
    """PortAudio's short reason, e.g. 'Input/output error' or 'Device unavailable'."""
    args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
    if len(args) > 2 and isinstance(args[2], tuple) and len(args[2]) == 3 and args[2][2]:
        return str(args[2][2])
    text = str(args[0]) if args else str(error)
    reason = text.rsplit(": ", 1)[-1] or type(error).__name__
    # PortAudio records the host's own text only for errors in the main thread.
    return "device error" if reason == "Unanticipated host error" else reason


def device_error_code(error: BaseException) -> int | None:
    args: tuple[Any, ...] = tuple(getattr(error, "args", ()))
    return args[1] if len(args) > 1 and isinstance(args[1], int) else None


def parse_device(device: int | str | None) -> int | str | None:
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


def find_device(sd: Any, device: int | str | None, kind: str) -> dict[str, Any]:
    """PortAudio's description of the chosen (or default) input or output device."""
    what = "microphone" if kind == "input" else "speaker"
    device = parse_device(device)
    try:
        info: dict[str, Any] = sd.query_devices(device, kind)
    except ValueError as error:
        message = str(error)
        if message.startswith("Multiple"):
            raise _error_type(kind)(
                f"{device!r} matches several devices; use its number ({DEVICES_HINT})."
            ) from error
        if device is not None and "Not an" in message:
            raise _error_type(kind)(
                f"Device {device!r} is not a {what}; {DEVICES_HINT}."
            ) from error
        raise _error_type(kind)(f"No {what} matches {device!r}; {DEVICES_HINT}.") from error
    except sd.PortAudioError as error:
        if device is None:
            hint = "plug one in" if kind == "input" else "connect speakers or headphones"
            raise _error_type(kind)(
                f"No {what} found; {hint}, or choose a device with --device ({DEVICES_HINT})."
            ) from error
        raise _error_type(kind)(f"There is no {what} number {device}; {DEVICES_HINT}.") from error
    return info


def _error_type(kind: str) -> type[UserError]:
    return MicrophoneError if kind == "input" else PlaybackError


def probe_microphone(device: int | str | None = None, *, refresh: bool = False) -> DeviceInfo:
    """Check that the microphone exists; with refresh=True re-scan first (to retry after a loss)."""
    sd = sounddevice_module()
    if refresh:
        refresh_devices()
    info = find_device(sd, device, "input")
    for candidate in list_devices():
        if candidate.index == int(info["index"]):
            return candidate
    raise MicrophoneError(f"The microphone went away while checking it; {DEVICES_HINT}.")
