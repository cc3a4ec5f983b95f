"""Shared by the tests and the benchmarks, never by the product: the labelled corpora and their
one loader, test speech, virtual sound devices, the real recogniser as a judge, accuracy
measures, and faults injected through the app's interfaces.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
"""The project's checkout."""
DATA = Path(__file__).resolve().parent / "data"
"""The labelled corpora and sentence lists."""
