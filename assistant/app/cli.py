"""Command line: wires the stages together.

Each command is imported only when it runs, so start-up stays quick.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from assistant.adapters.installation import PROGRAM
from assistant.core.errors import BAD_INPUT_EXIT_CODE, UserError
from assistant.core.settings import SPEECH_OUTPUTS
from intents import LexiconError


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors reduced to one line, like every other error here."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT_EXIT_CODE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; each command's module is imported only when it runs."""
    parser = _Parser(
        prog=PROGRAM,
        description="Offline voice assistant: physiotherapy or massage therapy? "
        "General information, not a diagnosis.",
    )
    parser.add_argument("--model", type=Path, help="Vosk model folder to use")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    listen = commands.add_parser("listen", help="hands-free conversation (the default)")
    _add_listen_arguments(listen)

    ask = commands.add_parser("ask", help="decide for typed text, stdin lines or WAV files")
    from assistant.app import ask as ask_command

    ask_command.add_arguments(ask)

    transcribe = commands.add_parser("transcribe", help="WAV files to text with Vosk")
    transcribe.add_argument("files", nargs="+", type=Path, metavar="FILE")
    transcribe.add_argument("--json", action="store_true", help="words with confidence and times")

    model = commands.add_parser("model", help="install, locate or check the Vosk model")
    model_commands = model.add_subparsers(dest="model_command", required=True, parser_class=_Parser)
    install = model_commands.add_parser("install", help="install the small English model")
    install.add_argument("--from", dest="source", type=Path, help="archive or folder you have")
    install.add_argument("--dir", type=Path, help="folder to install into")
    install.add_argument(
        "--sha256", help="expected checksum of a --from archive not in the manifest"
    )
    install.add_argument("--force", action="store_true", help="replace an installed model")
    install.add_argument(
        "--no-adapt", action="store_true", help="do not build the adapted model (model adapt)"
    )
    adapt = model_commands.add_parser(
        "adapt", help="build the model adapted to the lexicon, unless it is up to date"
    )
    adapt.add_argument("--force", action="store_true", help="rebuild even when up to date")
    model_commands.add_parser("path", help="print the model folder that will be used")
    model_commands.add_parser(
        "verify", help="check the model's files, that Vosk loads it, and the adapted model"
    )

    commands.add_parser("devices", help="list microphones")
    commands.add_parser("voices", help="list what each speech output offers")
    return parser


def _add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--text", action="store_true", help="read utterances from stdin")
    parser.add_argument("--mute", action="store_true", help="captions only, no speech")
    parser.add_argument("--device", help="microphone name or number (see: devices)")
    parser.add_argument("--save-replies", type=Path, metavar="DIR", help="also save replies as WAV")
    parser.add_argument(
        "--log-transcripts", type=Path, metavar="FILE", help="keep what you said (mode 0600)"
    )
    parser.add_argument(
        "--speech",
        choices=SPEECH_OUTPUTS,
        metavar="NAME",
        help=f"speak through {', '.join(SPEECH_OUTPUTS)} (see: voices)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors become one line on stderr and exit code 2."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(build_parser().parse_args(arguments))
    except UserError as error:
        print(f"{PROGRAM}: {error.message}", file=sys.stderr)
        return error.exit_code
    except LexiconError as error:  # the lexicon is data a clinician edits: a fixable input
        print(f"{PROGRAM}: {error.message}", file=sys.stderr)
        return BAD_INPUT_EXIT_CODE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _stdout_to_devnull()  # the reader left (e.g. `| head`): nothing more to say
        return 141
    except OSError as error:  # most often the output: a full disk or a closed terminal
        _stdout_to_devnull()
        reason = error.strerror or type(error).__name__
        where = error.filename or "the output"
        print(f"{PROGRAM}: cannot write {where} ({reason}); free some space.", file=sys.stderr)
        return 1


def _stdout_to_devnull() -> None:
    """Python flushes stdout again at exit; point it somewhere that cannot fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _dispatch(args: argparse.Namespace) -> int:
    command = args.command or "listen"
    if command == "listen":
        if args.command is None:
            args = build_parser().parse_args(["listen"], namespace=args)
        from assistant.app.listen import ListenOptions
        from assistant.app.listen import run as run_listen

        return run_listen(
            ListenOptions(
                text=args.text,
                mute=args.mute,
                device=args.device,
                save_replies=args.save_replies,
                log_transcripts=args.log_transcripts,
                model=args.model,
                speech=args.speech,
            )
        )
    if command == "ask":
        from assistant.app import ask

        return ask.run(args)
    if command == "transcribe":
        return _transcribe(args.files, args.model, args.json)
    if command == "model":
        return _model(args)
    if command == "devices":
        from assistant.adapters.devices import format_devices, list_devices

        print(format_devices(list_devices()))
        return 0
    if command == "voices":
        from assistant.app.speech import describe_outputs

        print(describe_outputs())
        return 0
    raise AssertionError(f"unhandled command {command}")


def _transcribe(files: list[Path], model: Path | None, as_json: bool) -> int:
    from assistant.adapters.vosk_asr import Transcriber
    from assistant.adapters.wavio import read_format

    for path in files:  # check every file first, so a typo is not found after minutes of work
        read_format(path)
    transcriber = Transcriber.load_general(model)  # once, however many files
    for path in files:
        transcript = transcriber.transcribe_file(path)
        if as_json:
            print(json.dumps({"file": str(path), **transcript.to_json()}), flush=True)
        else:
            print(transcript.text, flush=True)
    return 0


def _model(args: argparse.Namespace) -> int:
    from assistant.adapters import model_store as model

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    if args.model_command == "install":
        from assistant.adapters.model_adapt import adapt
        from assistant.adapters.model_install import InstallRequest, install

        request = InstallRequest(args.dir, args.source, args.sha256, args.force)
        installed = install(request, say=say)
        if not args.no_adapt:
            try:
                adapt(installed, force=args.force, say=say)
            except UserError as error:  # the general model is installed and hears on its own
                say(f"Warning: the adapted speech model was not built: {error}")
        return 0
    model_dir = model.resolve_model_dir(args.model)
    if args.model_command == "adapt":
        from assistant.adapters.model_adapt import adapt

        adapt(model_dir, force=args.force, say=say)
        return 0
    if args.model_command == "path":
        print(model_dir)
        return 0
    model.load_vosk_model(model_dir)
    print(f"The speech model in {model_dir} is complete and loads.")
    return _verify_adapted(model_dir)


def _verify_adapted(model_dir: Path) -> int:
    """`model verify`'s second half: the adapted model (beside a general one, or the folder
    itself), which lexicon it was built from, and whether that is the lexicon in use."""
    from assistant.adapters.model_adapt import GRAPH, adapt_command
    from assistant.adapters.model_stamp import adapted_dir, freshness, is_adapted
    from assistant.adapters.model_store import load_vosk_model

    if is_adapted(model_dir):
        state = freshness(model_dir)
    else:
        state = freshness(adapted_dir(model_dir), general_graph=model_dir / GRAPH)
    built = ""
    if state.stamp is not None:
        built = (
            f"built from a lexicon with SHA-256 {state.stamp.lexicon_sha256[:12]}… "
            f"({state.stamp.sentences} domain sentences, {state.stamp.method} with weight "
            f"{state.stamp.weight})"
        )
    if state.current:
        if state.model_dir != model_dir:
            load_vosk_model(state.model_dir)
        print(
            f"The adapted speech model in {state.model_dir}, {built}, matches the lexicon in "
            "use and loads."
        )
        return 0
    print(
        f"The adapted speech model in {state.model_dir} {state.problem}"
        + (f" ({built})" if built else "")
        + f"; build it with: {adapt_command()}",
        file=sys.stderr,
    )
    return 1
