"""Benchmarks of the assistant: spoken accuracy, recognisers side by side, latency, resources.

Run with ``python -m benchmarks`` (``--quick`` for a short run) or ``make bench``. Needs the
``bench`` extra. The product never imports anything here; shared helpers are in ``support``.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the report; the exit code for the command line."""
    from benchmarks.cli import main as run

    return run(argv)
