"""Worker processes that each build the hearing methods once, then hear task after task."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from tqdm import tqdm

from benchmarks.methods import Method, Plan, build

T = TypeVar("T")
R = TypeVar("R")

_methods: dict[str, Method] = {}


def _start(plan: Plan) -> None:
    global _methods
    _methods = build(plan)


def methods() -> dict[str, Method]:
    """This process's methods, by slot key (inside a task run by :func:`run`)."""
    return _methods


def run(
    plan: Plan,
    work: Callable[[T], list[R]],
    tasks: Sequence[T],
    workers: int,
    desc: str,
    progress: bool = True,
) -> list[R]:
    """``work`` over every task on ``workers`` processes (a module-level function: it is
    sent to them), in the order the results arrive."""
    results: list[R] = []
    bar = tqdm(total=len(tasks), desc=desc, file=sys.stderr, disable=not progress)
    if workers <= 1:
        _start(plan)
        for task in tasks:
            results += work(task)
            bar.update()
    else:
        # fork: the workers inherit the loaded lexicon; each loads its models after the fork.
        context = multiprocessing.get_context("fork")
        with context.Pool(workers, initializer=_start, initargs=(plan,)) as pool:
            for done in pool.imap_unordered(work, tasks):
                results += done
                bar.update()
    bar.close()
    return results
