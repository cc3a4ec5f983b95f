"""Typed understanding on labelled sets: accuracy, red-flag recall, false red flags.

Run: ``python -m benchmarks.typed_accuracy [SET ...]``, where a set is a corpus name of
support/corpora.py (corpus, heldout, heldout2) or a JSON Lines file in the same format, such as
a blind set. Every text goes through advise(), the product's own path from words to advice,
and is scored by support/scoring.py.

A blind set is scored for its totals only: its sentences and misses are never printed, so it
cannot be tuned on by reading them. ``--misses`` lists what went wrong on the other sets.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.core.advice import advise
from assistant.core.errors import UserError
from intents import load_index
from support import DATA
from support.corpora import BLIND_SETS, CORPORA, Labelled, load, load_file
from support.scoring import Score, score


def read_set(name: str) -> list[Labelled]:
    """The labelled utterances of a corpus name or of a JSON Lines file."""
    if name in CORPORA:
        return load(name)
    path = DATA / BLIND_SETS[name] if name in BLIND_SETS else Path(name)
    if not path.is_file():
        raise UserError(
            f"{name!r} is neither a corpus ({', '.join(CORPORA)}) nor a file; "
            "name one of those or the path of a JSON Lines set."
        )
    try:
        return load_file(path)
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise UserError(
            f"{path} is not a labelled set ({error}); each line needs JSON with "
            '"text", "expected" and "category".'
        ) from error


def is_blind(name: str) -> bool:
    """A set whose sentences must stay unread: its file name says "blind"."""
    return "blind" in Path(name).name.lower()


def score_set(items: Sequence[Labelled]) -> Score:
    """Every utterance through advise() and scored."""
    index = load_index()
    return score(items, lambda text: advise(text, index).decision)


def totals(name: str, s: Score) -> str:
    """One line of figures for one set."""
    return (
        f"{name}: accuracy {s.right}/{s.total} = {s.accuracy:.1%}, "
        f"red-flag recall {s.caught}/{s.red_flags} = {s.red_flag_recall:.1%}, "
        f"false red flags {s.false_red_flags}/{s.others} = {s.false_red_flag_rate:.1%}"
    )


def parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.typed_accuracy",
        description="Score typed understanding on labelled sets (totals only for blind sets).",
    )
    p.add_argument(
        "sets",
        nargs="*",
        default=list(CORPORA),
        help=f"corpus names ({', '.join(CORPORA)}) or JSON Lines files; default: every corpus",
    )
    p.add_argument(
        "--misses", action="store_true", help="also list the misses (never of a blind set)"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Print one line of figures per set."""
    args = parser().parse_args(argv)
    try:
        for name in args.sets:
            s = score_set(read_set(name))
            print(totals(name, s))
            if args.misses and not is_blind(name):
                for miss in s.misses:
                    print(f"  {miss}")
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
