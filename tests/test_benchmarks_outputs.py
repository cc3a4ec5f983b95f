"""The speech-output benchmark (benchmarks/outputs.py) on one short reply, for real: pyttsx3 and
the natural voice on a virtual speaker, speech-dispatcher through private daemons.

Figures are never asserted (they come from `python -m benchmarks.outputs`); these tests check
that every output is measured and reported.
"""

from __future__ import annotations

import math

import pytest

from benchmarks import outputs
from benchmarks.outputs import LineTiming, OutputFigures
from support.corpora import load

# Debian's speechd client ends its reading thread with sys.exit() once a connection is closed.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def test_the_lines_are_the_assistants_replies_to_the_corpus() -> None:
    lines = outputs.reply_lines(4)
    assert len(lines) == 4 and len(set(lines)) == 4
    descriptions = {item.text for item in load("corpus")}
    assert not set(lines) & descriptions  # replies, not what the person said
    assert all(line in outputs.reply_lines() for line in outputs.quick_lines())


@pytest.mark.slow
def test_every_output_says_a_reply_and_is_timed() -> None:
    line = outputs.quick_lines()[0]
    section = outputs.section([line])
    measured = section.summary["outputs"]
    assert set(measured) == {"pyttsx3", "speech-dispatcher", "natural"}
    for name, figures in measured.items():
        assert "unavailable" not in figures, (name, figures)
        assert figures["lines"] == figures["began"] == 1
        assert figures["first_sound_s"]["median"] > 0
        assert figures["rtf"] > 0 and math.isfinite(figures["rtf"])
        assert figures["audio_s_median"] > 1.0  # a whole sentence or more was said
        assert f"| `{name}` | 1 of 1 |" in section.markdown
    assert measured["speech-dispatcher"]["heard_on_sink_s"]["median"] > 0
    assert measured["pyttsx3"]["heard_on_sink_s"] is None
    assert "Load average (1 minute)" in section.markdown


def test_an_output_that_cannot_speak_is_one_line_and_the_others_are_reported() -> None:
    said = OutputFigures("pyttsx3", 0.05, (LineTiming(0.02, 0.01, 5.0),), "inside espeak-ng")
    missing = OutputFigures("natural", None, (), "inside the voice", "not installed: make natural")
    text = outputs.to_markdown([said, missing], (1.0, 2.0))
    assert "| `pyttsx3` | 1 of 1 | 20 ms / 20 ms | 0.002 | 5.0 s | 50 ms |" in text
    assert [line for line in text.splitlines() if "natural" in line] == [
        "- `natural`: not measured: not installed: make natural"
    ]
    assert outputs.summary(missing) == {"unavailable": "not installed: make natural"}
