"""Speech through speech-dispatcher, the daemon the Orca screen reader speaks through.

Every line goes to the daemon under our own client name at priority "message", the priority Orca
uses, so our lines and Orca's queue one after the other instead of talking over each other. The
voice and rate are the user's own speech-dispatcher defaults; ours are sent only once the person
changed them (a rate or volume other than the default, or "slower"/"louder" said now). "stop"
cancels our own messages only, never Orca's. The line is being spoken from SPEAK until the daemon
reports END or CANCEL for it; ``speak`` blocks that long, so the half-duplex microphone follows
the daemon's own events, not an estimate.

The client is Debian's ``python3-speechd`` (pure Python; there is no official PyPI package).
When the environment's Python cannot import it, that one package is loaded from where Debian
installs it. Two of its traps are avoided here:

- Autospawn is off: with it, a missing daemon is started with the system configuration and
  leaves files in ~/.cache even when it refuses to start.
- Its per-message callbacks are registered only after SPEAK has returned the message id, so an
  early BEGIN is dropped (client.py says so in a TODO; measured: most BEGINs of a run were lost).
  We take every event of the connection instead and keep it by message id until it is asked for.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.adapters.devices import PlaybackError
from assistant.adapters.playback import Player
from assistant.adapters.sound import Spoken, SpokenAudio
from assistant.core.errors import UserError
from assistant.core.events import Say
from assistant.core.settings import Settings

CLIENT_NAME = "therapy-assistant"
"""Our name in speech-dispatcher (its client name is user:CLIENT_NAME:component)."""
DEBIAN_CLIENT = Path("/usr/lib/python3/dist-packages/speechd")
"""Where Debian and Ubuntu install the Python client for the system's Python."""
INSTALL_HINT = "sudo apt-get install speech-dispatcher speech-dispatcher-espeak-ng python3-speechd"
START_HINT = "start it with: speech-dispatcher"
DEFAULT_RATE, DEFAULT_VOLUME = Settings().rate, Settings().volume
ESPEAK_MIN, ESPEAK_NORMAL, ESPEAK_MAX = 80, 170, 449
"""Words a minute of SSIP rates -100, 0 and 100 in speech-dispatcher's espeak-ng module
(EspeakMinRate, EspeakNormalRate, EspeakMaxRate): how our rate is sent."""
_FINAL = ("end", "cancel")
"""Events after which a message is over (speechd.CallbackType values)."""
_POLL_SECONDS = 0.2
"""How often a wait for the end of a line checks that the daemon is still there."""


def speechd_module() -> Any:
    """The speechd client package; UserError naming the Debian package when it is missing."""
    try:
        import speechd

        return speechd
    except ImportError:
        pass
    init = DEBIAN_CLIENT / "__init__.py"
    spec = importlib.util.spec_from_file_location(
        "speechd", init, submodule_search_locations=[str(DEBIAN_CLIENT)]
    )
    if not init.is_file() or spec is None or spec.loader is None:
        raise UserError(
            f"The speech-dispatcher client for Python is not installed; install it with: "
            f"{INSTALL_HINT}"
        )
    module = importlib.util.module_from_spec(spec)
    sys.modules["speechd"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # a client too old or too new for this Python
        del sys.modules["speechd"]
        raise UserError(
            f"The speech-dispatcher client in {DEBIAN_CLIENT} does not load ({error}); "
            f"reinstall it with: {INSTALL_HINT}"
        ) from error
    return module


def ssip_rate(words_a_minute: int) -> int:
    """Our rate as SSIP's -100..100, so that espeak-ng speaks that many words a minute."""
    if words_a_minute < ESPEAK_NORMAL:
        share = (words_a_minute - ESPEAK_NORMAL) / (ESPEAK_NORMAL - ESPEAK_MIN)
    else:
        share = (words_a_minute - ESPEAK_NORMAL) / (ESPEAK_MAX - ESPEAK_NORMAL)
    return max(-100, min(100, round(100 * share)))


def ssip_volume(volume: float) -> int:
    """Our volume (1.0 full) as SSIP's -100..100, where 100 is the module's full volume."""
    return max(-100, min(100, round(200 * volume - 100)))


def socket_path() -> Path:
    """The daemon's socket: $SPEECHD_ADDRESS (unix_socket:PATH), else the per-user default."""
    address = os.environ.get("SPEECHD_ADDRESS", "")
    method, _, path = address.partition(":")
    if method == "unix_socket" and path:
        return Path(path)
    # The client's own default: the runtime folder, else the cache folder.
    runtime = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("XDG_CACHE_HOME")
    return Path(runtime or os.path.expanduser("~/.cache")) / "speech-dispatcher" / "speechd.sock"


class _Events:
    """Every event the daemon sends on our connection, kept by message id until asked for."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._seen: dict[int, list[tuple[str, float]]] = {}

    def __call__(self, msg_id: int, client_id: int, event_type: str, **_: object) -> None:
        """Called by the client's reading thread for each event (must not send commands)."""
        with self._changed:
            self._seen.setdefault(msg_id, []).append((event_type, time.perf_counter()))
            self._changed.notify_all()

    def outcome(self, msg_id: int, alive: Callable[[], bool]) -> tuple[bool, float | None]:
        """Wait until message ``msg_id`` is over: whether it ended (rather than being
        cancelled), and when it began (None if it never did). UserError if the daemon goes."""
        with self._changed:
            while True:
                events = self._seen.get(msg_id, [])
                final = [name for name, _ in events if name in _FINAL]
                if final:
                    del self._seen[msg_id]
                    began = next((at for name, at in events if name == "begin"), None)
                    return final[0] == "end", began
                if not alive():
                    raise PlaybackError(f"Lost the connection to speech-dispatcher; {START_HINT}")
                self._changed.wait(_POLL_SECONDS)


@dataclass(frozen=True)
class DispatcherInfo:
    """What the running speech-dispatcher offers, for ``voices``."""

    modules: tuple[str, ...]
    """Its output modules (synthesisers), e.g. ("espeak-ng",)."""
    module: str | None
    """The output module a new client gets: the user's default."""
    voices: tuple[tuple[str, str | None], ...]
    """The default module's voices as (name, language)."""


class SpeechDispatcherSpeaker:
    """Says lines through speech-dispatcher; tones still play on our own speaker."""

    def __init__(self, client: Any, events: _Events, settings: Settings) -> None:
        self._client = client
        self._events = events
        self._commands = threading.Lock()  # one SSIP command at a time on the connection
        self._rate = DEFAULT_RATE
        self._volume = DEFAULT_VOLUME
        self._tones: Player | None = Player()
        self.follow(settings)  # a rate or volume changed in an earlier conversation

    @classmethod
    def connect(cls, settings: Settings, address: str | None = None) -> SpeechDispatcherSpeaker:
        """Connect to the running daemon; UserError naming the fix if it is not there."""
        speechd = speechd_module()
        try:
            client = speechd.SSIPClient(CLIENT_NAME, address=address, autospawn=False)
        except (speechd.SSIPError, OSError) as error:
            raise UserError(_not_running()) from error
        client.set_priority(speechd.Priority.MESSAGE)
        events = _Events()
        client._conn.set_callback(events)  # the client's own handler drops early events
        return cls(client, events, settings)

    def speak(self, say: Say) -> Spoken:
        """Say one line, blocking until speech-dispatcher reports its END or CANCEL."""
        if not say.text.strip():
            return Spoken(True)
        with self._commands:
            try:
                reply = self._client.speak(say.text)
            except Exception as error:  # the client raises its own types and IOError
                raise PlaybackError(f"Lost speech-dispatcher ({error}); {START_HINT}") from error
        finished, began = self._events.outcome(int(reply[2][0]), self._alive)
        return Spoken(finished, 0.0, began)

    def play(self, audio: SpokenAudio) -> bool:
        """Play a tone on our own speaker; without one there are no tones (speech goes on)."""
        if self._tones is None:
            return True
        try:
            return self._tones.play(audio)
        except PlaybackError:
            self._tones = None
            return True

    @property
    def first_block_at(self) -> float | None:
        """When the last tone handed its first block to our own speaker."""
        return None if self._tones is None else self._tones.first_block_at

    def stop(self) -> None:
        """Cancel what we are saying and anything of ours still queued, from any thread."""
        if self._tones is not None:
            self._tones.stop()
        with self._commands:
            try:
                self._client.cancel()  # scope SELF: Orca's own speech is not ours to cut
            except Exception:  # gone already: nothing left to stop
                return

    def follow(self, settings: Settings) -> None:
        """Send our rate or volume once it differs from what the daemon has from us."""
        with self._commands:
            if settings.rate != self._rate:
                self._client.set_rate(ssip_rate(settings.rate))
                self._rate = settings.rate
            if settings.volume != self._volume:
                self._client.set_volume(ssip_volume(settings.volume))
                self._volume = settings.volume

    def info(self) -> DispatcherInfo:
        """The daemon's output modules and the default module's voices."""
        with self._commands:
            modules = tuple(self._client.list_output_modules())
            module = self._client.get_output_module()
            voices = tuple((name, language) for name, language, _ in
                           self._client.list_synthesis_voices())  # fmt: skip
        return DispatcherInfo(modules, module, voices)

    def close(self) -> None:
        """Let go of the connection."""
        with self._commands:
            self._client.close()

    def _alive(self) -> bool:
        # The client's reading thread ends when the daemon closes the connection.
        connection = getattr(self._client, "_conn", None)
        thread = getattr(connection, "_communication_thread", None)
        return thread is not None and bool(thread.is_alive())


def _not_running() -> str:
    """Why the daemon could not be reached, and the fix."""
    if shutil.which("speech-dispatcher") is None:
        return f"speech-dispatcher is not installed; install it with: {INSTALL_HINT}"
    return f"speech-dispatcher is not running at {socket_path()}; {START_HINT}"
