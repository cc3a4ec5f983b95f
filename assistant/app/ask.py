"""The ``ask`` command: advice for typed text, for each line of stdin, or for WAV files.

Kept light to import: Vosk, the speech engine and numpy are imported only when a WAV file
is transcribed or a reply is spoken, so ``ask --stdin`` starts and answers quickly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.advice import Advice, advise, advise_heard
from assistant.core.errors import UserError
from assistant.core.hearing import N_BEST
from intents import load_index

if TYPE_CHECKING:
    from assistant.adapters.vosk_asr import Transcript


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the ``ask`` options on ``parser`` (the CLI's subcommand parser).

    The Vosk model folder comes from the main parser's ``--model``.
    """
    parser.add_argument("text", nargs="*", help="what to decide on (the words form one utterance)")
    parser.add_argument(
        "--stdin", action="store_true", help="decide for each line of standard input, in order"
    )
    parser.add_argument(
        "--wav",
        nargs="+",
        type=Path,
        default=[],
        metavar="FILE",
        help="transcribe WAV files with Vosk, then decide for each",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per input")
    parser.add_argument("--mute", action="store_true", help="print the reply without speaking it")


def run(args: argparse.Namespace) -> int:
    """Decide for every input and print (and, unless muted or JSON, speak) the replies."""
    texts: list[str] = list(getattr(args, "text", None) or [])
    use_stdin = bool(getattr(args, "stdin", False))
    wavs: list[Path] = list(getattr(args, "wav", None) or [])
    as_json = bool(getattr(args, "json", False))
    mute = bool(getattr(args, "mute", False)) or as_json
    given = sum((bool(texts), use_stdin, bool(wavs)))
    if given == 0:
        raise UserError("nothing to decide on: give the text, or --stdin, or --wav FILE")
    if given > 1:
        raise UserError("give only one of: the text, --stdin, or --wav FILE")

    index = load_index()
    results: list[tuple[Advice, str | None]]
    if wavs:
        results = [
            (advise_heard(heard.text, heard.alternatives, index), heard.text)
            for heard in _transcribe(wavs, getattr(args, "model", None))
        ]
    elif use_stdin:
        results = [(advise(line, index), None) for line in _stdin_lines()]
    else:
        results = [(advise(" ".join(texts), index), None)]

    if as_json:
        out = [json.dumps(a.to_json(transcript), ensure_ascii=False) for a, transcript in results]
    elif wavs:
        out = [
            f"{path}: {transcript}\n{a.reply.reply}"
            for path, (a, transcript) in zip(wavs, results, strict=True)
        ]
    else:
        out = [a.reply.reply for a, _ in results]
    if out:
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
    if not mute:
        speak([a.reply.reply for a, _ in results])
    return 0


def _stdin_lines() -> list[str]:
    """Each line of stdin, as given; bytes that are not UTF-8 are replaced, never fatal."""
    data = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    return [line.removesuffix("\r") for line in lines]


def _transcribe(paths: Sequence[Path], model: Path | None) -> list[Transcript]:
    """The Vosk transcript of each WAV file, with its N-best hearings, checking every path
    before loading the model."""
    from assistant.adapters.vosk_asr import Transcriber  # Vosk only when asked for
    from assistant.adapters.wavio import read_format

    for path in paths:
        read_format(path)  # every file checked before the model loads

    transcriber = Transcriber.load(model)
    return [transcriber.transcribe_file(path, N_BEST) for path in paths]


def speak(replies: Sequence[str]) -> None:
    """Say each reply aloud with the user's voice settings, one after another."""
    if not replies:
        return
    from assistant.adapters.settings_file import load_settings
    from assistant.adapters.speaker import Speaker  # speech engine and sound only when speaking

    settings, warning = load_settings()
    if warning:
        print(warning, file=sys.stderr)
    speaker = Speaker.for_settings(settings)
    for reply in replies:
        speaker.say_text(reply)
