"""Which voice speaks: the `speech` setting (or `listen --speech NAME`), falling back to pyttsx3
with one line when the chosen output cannot speak, and the hint beside a screen reader.

- ``pyttsx3`` (the default): espeak-ng rendered in memory and played by us.
- ``speech-dispatcher``: every line to the daemon Orca speaks through, queued with it.
- ``natural``: the neural voice of the optional extra, played by us like pyttsx3.

When nothing was chosen and Orca (or another program) already speaks through speech-dispatcher,
the person is told once how to choose it; the assistant never switches by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.adapters.installation import command
from assistant.adapters.natural_speech import NaturalVoice
from assistant.adapters.natural_speech import describe as describe_natural
from assistant.adapters.pyttsx3_speech import Synthesizer, format_voices, list_voices
from assistant.adapters.screen_reader import Listener, someone_listening
from assistant.adapters.settings_file import default_path
from assistant.adapters.speaker import AudioSpeaker, Renderer
from assistant.adapters.speech_dispatcher import SpeechDispatcherSpeaker, socket_path
from assistant.app.ports import Speaker
from assistant.core.errors import UserError
from assistant.core.events import Say
from assistant.core.settings import SPEECH_OUTPUTS, Settings

PYTTSX3, SPEECH_DISPATCHER, NATURAL = SPEECH_OUTPUTS
CARRYING_ON = "Speaking with pyttsx3 for now."
MAX_LISTED_VOICES = 12
"""speech-dispatcher's espeak-ng module lists thousands of voice variants; `voices` shows a few."""


@dataclass
class SpeechOutput:
    """How this conversation speaks, and what the person should hear about it first."""

    name: str
    """The output that speaks (pyttsx3 after a fallback)."""
    speaker: Speaker | None
    """Says the lines; None when nothing is spoken."""
    renderer: Renderer | None
    """Renders saved replies: the voice itself, or pyttsx3 where speech-dispatcher hands back
    no sound; None when nothing is saved."""
    notices: list[Say] = field(default_factory=list)
    """A fallback or the screen-reader hint, to be said (or printed) once, first."""


def open_output(
    choice: str | None,
    settings: Settings,
    *,
    speaking: bool,
    saving: bool = False,
    listening: Callable[[], Listener | None] | None = None,
) -> SpeechOutput:
    """The output named by ``choice`` (the command line), else by the settings, else pyttsx3.

    A chosen output that cannot speak leaves a notice naming the fix and gives pyttsx3.
    ``listening`` finds a screen reader (default: Orca or a speech-dispatcher client).
    """
    chosen = choice or settings.speech
    name = chosen or PYTTSX3
    notices = []
    if speaking and chosen is None:
        listener = (listening or _someone_listening)()
        if listener is not None:
            notices.append(Say(screen_reader_hint(listener), "help"))
    speaker: Speaker | None = None
    renderer: Renderer | None = None
    if name == NATURAL and (speaking or saving):
        try:
            natural = NaturalVoice.for_settings(settings)
        except UserError as error:
            notices.append(Say(f"{error.message} {CARRYING_ON}", "error"))
            name = PYTTSX3
        else:
            renderer = natural
            speaker = AudioSpeaker(natural) if speaking else None
    if name == SPEECH_DISPATCHER and speaking:
        try:
            speaker = SpeechDispatcherSpeaker.connect(settings)
        except UserError as error:
            notices.append(Say(f"{error.message} {CARRYING_ON}", "error"))
            name = PYTTSX3
    needs_pyttsx3 = (speaking and speaker is None) or (saving and renderer is None)
    if needs_pyttsx3:
        synthesizer = Synthesizer(settings.rate, settings.voice, settings.volume)
        renderer = renderer or synthesizer
        if speaking and speaker is None:
            speaker = AudioSpeaker(synthesizer)
    return SpeechOutput(name, speaker, renderer if saving else None, notices)


def _someone_listening() -> Listener | None:
    return someone_listening(socket_path())


def screen_reader_hint(listener: Listener) -> str:
    """The one line that says how to speak through the screen reader's voice."""
    who = (
        "The Orca screen reader is running."
        if listener.is_orca
        else f"{listener.name} is speaking through speech-dispatcher."
    )
    return (
        f"{who} I can speak through speech-dispatcher, queued with it, instead of over it: "
        f"start me with {command('listen --speech speech-dispatcher')}, or put "
        f'speech = "speech-dispatcher" in {default_path()}.'
    )


def describe_outputs() -> str:
    """What each output offers, for ``voices``."""
    sections = [_describe_pyttsx3(), _describe_speech_dispatcher(), _describe_natural()]
    return "\n\n".join(sections)


def _describe_pyttsx3() -> str:
    header = f'{PYTTSX3} (speech = "{PYTTSX3}", the default; the voice setting picks one):'
    try:
        body = format_voices(list_voices())
    except UserError as error:
        body = error.message
    return f"{header}\n{_indent(body)}"


def _describe_speech_dispatcher() -> str:
    header = (
        f'{SPEECH_DISPATCHER} (speech = "{SPEECH_DISPATCHER}"; the voice and rate are your '
        "speech-dispatcher defaults, set with spd-conf):"
    )
    try:
        speaker = SpeechDispatcherSpeaker.connect(Settings())
    except UserError as error:
        return f"{header}\n{_indent(error.message)}"
    try:
        info = speaker.info()
    finally:
        speaker.close()
    english = [f"{name} ({language})" for name, language in info.voices
               if (language or "").startswith("en")]  # fmt: skip
    lines = [
        f"running at {socket_path()}",
        f"output modules: {', '.join(info.modules) or 'none'} (default: {info.module or '?'})",
        f"{len(info.voices)} voices in {info.module or 'the default module'}, "
        f"{len(english)} of them English, e.g.:",
        *(f"  {voice}" for voice in english[:MAX_LISTED_VOICES]),
    ]
    return f"{header}\n{_indent(chr(10).join(lines))}"


def _describe_natural() -> str:
    voice = describe_natural()
    header = f'{NATURAL} (speech = "{NATURAL}"; the optional natural voice):'
    if voice.installed:
        body = f"{voice.name}  {voice.description}"
    else:
        from assistant.adapters.natural_speech import install_hint

        body = f"{voice.name}  {voice.description}; not installed: {install_hint()}"
    return f"{header}\n{_indent(body)}"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
