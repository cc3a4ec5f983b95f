"""Benchmarks of the assistant: spoken accuracy, recognisers side by side, latency, resources.

Run with ``python -m assistant bench`` or ``python -m benchmarks`` (``--quick`` for a short
run). Needs the ``bench`` extra. Nothing here is imported by the product.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the report; the exit code for the command line."""
    from benchmarks.cli import main as run

    return run(argv)
