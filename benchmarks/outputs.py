"""The three speech outputs side by side: from handing a reply to the speaker to its first sound,
and how fast each makes speech (its real-time factor of synthesis).

The lines are the assistant's own replies to descriptions spread over the labelled corpus
(decided and worded by the product). Each output says every line for real, one output at a time:

- ``pyttsx3`` and ``natural`` run in a child process whose default speaker is a virtual ALSA
  device (support/virtual_audio.py; ALSA is read at ``import sounddevice``). The first sound is
  the first block the player hands to the device; the synthesis time is the time spent inside
  the synthesiser, per line, against the seconds of sound it made.
- ``speech-dispatcher`` speaks through a private daemon (support/speech_dispatcher.py) into a
  PulseAudio null sink that plays in real time. The first sound is the daemon's BEGIN event, as
  the voice loop takes it; the first audible block on the sink's monitor is given beside it.
  Synthesis happens inside the daemon and streams to the sound server, so it cannot be timed on
  its own: a second daemon writing into a file as fast as it speaks gives SPEAK → END against
  the seconds written, which is synthesis plus the daemon's own handling (an upper bound).

Before the timed lines every output says the greeting once, as in a conversation, so that
loading and the first opening of the sound device are not counted as a line's first sound.

Run: python -m benchmarks.outputs [--quick] [--out DIR]; writes outputs.md and outputs.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.adapters.sound import SpokenAudio
from assistant.adapters.speaker import AudioSpeaker, Renderer
from assistant.core.advice import advise
from assistant.core.dialogue import GREETING
from assistant.core.errors import UserError
from assistant.core.events import Say
from assistant.core.settings import SPEECH_OUTPUTS, Settings
from benchmarks.base import DOCS, Options, Section, median_p95, table, write_alone
from support.corpora import load

PYTTSX3, SPEECH_DISPATCHER, NATURAL = SPEECH_OUTPUTS
FULL_LINES = 12
"""Replies said by each output in a full run (about 5 minutes, most of it speech-dispatcher
speaking in real time)."""
QUICK_LINES = 2
"""With --quick: the two shortest of those replies."""
SINK_LATENCY = 0.3
"""Seconds to wait after a line before reading the sink's monitor (its own latency)."""
TITLE = "Speech outputs"


@dataclass(frozen=True)
class LineTiming:
    """One line said by one output."""

    first_sound: float | None
    """Seconds from handing the line to the speaker to its first sound (None: never began)."""
    synthesis: float | None
    """Seconds spent making the line's sound (None where it cannot be timed)."""
    audio: float | None
    """Seconds of sound made for the line (None where it is not handed back)."""
    heard_on_sink: float | None = None
    """speech-dispatcher: seconds to the first audible block on the null sink's monitor."""

    @property
    def rtf(self) -> float | None:
        """Synthesis seconds per second of sound."""
        if self.synthesis is None or not self.audio:
            return None
        return self.synthesis / self.audio


@dataclass(frozen=True)
class OutputFigures:
    """What one output did with the lines (or why it could not say them)."""

    output: str
    """The speech setting's value."""
    opening: float | None
    """Seconds to open the output: engine or voice loaded, or daemon connected."""
    lines: tuple[LineTiming, ...]
    """Every timed line, in order."""
    rtf_how: str
    """How the real-time factor was measured, or why there is none."""
    unavailable: str | None = None
    """Why the output could not speak here (then there are no lines)."""


def reply_lines(count: int = FULL_LINES) -> list[str]:
    """The assistant's replies to ``count`` corpus descriptions spread evenly over the corpus."""
    items = load("corpus")
    picked = [items[i * len(items) // count] for i in range(count)]
    return [advise(item.text).reply.reply for item in picked]


def quick_lines() -> list[str]:
    """The shortest of the full run's replies."""
    return sorted(reply_lines(), key=len)[:QUICK_LINES]


# -- pyttsx3 and the natural voice: played by us, in a child process ------------------------------


class _TimedRenderer:
    """A synthesiser that counts the time spent making sound and the seconds of sound made."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self.seconds = 0.0
        self.audio = 0.0

    def stream(self, text: str, *, cache: bool = False) -> Iterator[SpokenAudio]:
        pieces = self.inner.stream(text, cache=cache)
        while True:
            started = time.perf_counter()
            piece = next(pieces, None)
            self.seconds += time.perf_counter() - started
            if piece is None:
                return
            self.audio += piece.duration
            yield piece

    def synthesize(self, text: str, *, cache: bool = False) -> SpokenAudio:
        return self.inner.synthesize(text, cache=cache)

    def follow(self, settings: Settings) -> None:
        self.inner.follow(settings)

    def save_wav(self, text: str, path: Path) -> SpokenAudio:
        return self.inner.save_wav(text, path)


def _open_renderer(name: str, settings: Settings) -> Renderer:
    """The synthesiser of ``name``, made as assistant/app/speech.py makes it."""
    if name == NATURAL:
        from assistant.adapters.natural_speech import NaturalVoice

        return NaturalVoice.for_settings(settings)
    from assistant.adapters.pyttsx3_speech import Synthesizer

    return Synthesizer(settings.rate, settings.voice, settings.volume)


def played_by_us(name: str, lines_json: str) -> None:
    """In the child process: say every line with ``name`` on the default speaker; print the
    figures as one JSON object on the last line of stdout."""
    lines: list[str] = json.loads(lines_json)
    try:
        started = time.perf_counter()
        renderer = _TimedRenderer(_open_renderer(name, Settings()))
        opening = time.perf_counter() - started
        speaker = AudioSpeaker(renderer)
        speaker.speak(Say(GREETING, "greeting"))
        timings = []
        for line in lines:
            renderer.seconds = renderer.audio = 0.0
            called = time.perf_counter()
            spoken = speaker.speak(Say(line, "reply"))
            first = None if spoken.first_sound_at is None else spoken.first_sound_at - called
            timings.append(asdict(LineTiming(first, renderer.seconds, renderer.audio)))
    except UserError as error:
        print(json.dumps({"unavailable": error.message}))
        return
    print(json.dumps({"opening": opening, "lines": timings}))


def _measure_played_by_us(name: str, lines: Sequence[str], how: str) -> OutputFigures:
    from support.virtual_audio import make_virtual_audio, run_python

    with tempfile.TemporaryDirectory(prefix="outputs-") as folder:
        devices = make_virtual_audio(Path(folder), speaker_discard=True)
        code = (
            "import sys\nfrom benchmarks.outputs import played_by_us\nplayed_by_us(*sys.argv[1:])"
        )
        done = run_python(
            code, devices.env, name, json.dumps(list(lines)), timeout=120 + 30 * len(lines)
        )
    last = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
    if not last:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return OutputFigures(name, None, (), how, f"the measuring process failed: {reason}")
    data = json.loads(last[0])
    if "unavailable" in data:
        return OutputFigures(name, None, (), how, str(data["unavailable"]))
    timings = tuple(LineTiming(**line) for line in data["lines"])
    return OutputFigures(name, float(data["opening"]), timings, how)


# -- speech-dispatcher: a private daemon ----------------------------------------------------------


def _measure_dispatcher(lines: Sequence[str]) -> OutputFigures:
    from assistant.adapters.speech_dispatcher import SpeechDispatcherSpeaker
    from support.speech_dispatcher import (
        FILE_RATE,
        MonitorRecorder,
        private_dispatcher,
        require_programs,
    )

    how = (
        "synthesis happens inside the daemon and streams to the sound server, so it is not "
        "timed on its own; given is SPEAK → END of a second daemon that writes into a file as "
        "fast as it speaks, per second written: synthesis plus the daemon's handling, an upper "
        "bound"
    )
    try:
        require_programs()
        with private_dispatcher("pulse") as daemon:
            sink = MonitorRecorder(daemon)
            try:
                started = time.perf_counter()
                speaker = SpeechDispatcherSpeaker.connect(Settings(), daemon.address)
                opening = time.perf_counter() - started
                try:
                    speaker.speak(Say(GREETING, "greeting"))
                    spans = []
                    for line in lines:
                        called = time.perf_counter()
                        spoken = speaker.speak(Say(line, "reply"))
                        spans.append((called, time.perf_counter(), spoken.first_sound_at))
                finally:
                    speaker.close()
                time.sleep(SINK_LATENCY)
                heard = [sink.sound_between(called, ended + SINK_LATENCY)[:1]
                         for called, ended, _ in spans]  # fmt: skip
            finally:
                sink.close()
        with private_dispatcher("file") as daemon:
            speaker = SpeechDispatcherSpeaker.connect(Settings(), daemon.address)
            try:
                speaker.speak(Say(GREETING, "greeting"))
                made = []
                for line in lines:
                    mark, called = daemon.spoken_bytes(), time.perf_counter()
                    speaker.speak(Say(line, "reply"))
                    seconds = time.perf_counter() - called
                    made.append((seconds, (daemon.spoken_bytes() - mark) / 2 / FILE_RATE))
            finally:
                speaker.close()
    except (SystemExit, UserError, RuntimeError, TimeoutError, OSError) as error:
        reason = error.message if isinstance(error, UserError) else str(error)
        return OutputFigures(SPEECH_DISPATCHER, None, (), how, reason)
    timings = tuple(
        LineTiming(
            first_sound=None if began is None else began - called,
            synthesis=seconds,
            audio=audio,
            heard_on_sink=sound[0] - called if sound else None,
        )
        for (called, _, began), sound, (seconds, audio) in zip(spans, heard, made, strict=True)
    )
    return OutputFigures(SPEECH_DISPATCHER, opening, timings, how)


# -- the section ----------------------------------------------------------------------------------


def measure(lines: Sequence[str], outputs: Sequence[str] = SPEECH_OUTPUTS) -> list[OutputFigures]:
    """Say ``lines`` with each output in turn."""
    results = []
    for name in outputs:
        print(f"outputs: {name} ...", file=sys.stderr)
        if name == SPEECH_DISPATCHER:
            results.append(_measure_dispatcher(lines))
        elif name == NATURAL:
            how = "time spent inside the voice, all sentences, per second of sound made"
            results.append(_measure_played_by_us(name, lines, how))
        else:
            how = "time spent inside espeak-ng (via pyttsx3), per second of sound made"
            results.append(_measure_played_by_us(name, lines, how))
    return results


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{1000 * seconds:.0f} ms"


def _present(values: Sequence[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _spread(values: Sequence[float | None]) -> dict[str, float] | None:
    present = _present(values)
    if not present:
        return None
    median, p95 = median_p95(present)
    return {"median": median, "p95": p95}


def summary(figures: OutputFigures) -> dict[str, Any]:
    """The headline numbers of one output, for benchmarks.json."""
    if figures.unavailable is not None:
        return {"unavailable": figures.unavailable}
    rtfs = _present([t.rtf for t in figures.lines])
    audio = _present([t.audio for t in figures.lines])
    return {
        "lines": len(figures.lines),
        "began": len(_present([t.first_sound for t in figures.lines])),
        "first_sound_s": _spread([t.first_sound for t in figures.lines]),
        "heard_on_sink_s": _spread([t.heard_on_sink for t in figures.lines]),
        "rtf": statistics.median(rtfs) if rtfs else None,
        "rtf_how": figures.rtf_how,
        "audio_s_median": statistics.median(audio) if audio else None,
        "opening_s": figures.opening,
        "per_line": [asdict(t) for t in figures.lines],
    }


FIRST_SOUND_HOW = {
    PYTTSX3: "the first block handed to the speaker (a virtual ALSA device that takes it at "
    "once), after espeak-ng has made the whole line",
    NATURAL: "the first block handed to the speaker, after the voice has made the first "
    "sentence (the next is made while it plays)",
    SPEECH_DISPATCHER: "the daemon's BEGIN event, as the voice loop takes it; the daemon speaks "
    "into a PulseAudio null sink in real time",
}
"""What "first sound" is for each output."""


def to_markdown(results: Sequence[OutputFigures], load: tuple[float, float]) -> str:
    """The table, how each output was timed, and one line per output that could not speak."""
    rows, notes = [], []
    for figures in results:
        name = f"`{figures.output}`"
        if figures.unavailable is not None:
            notes.append(f"- {name}: not measured: {figures.unavailable}")
            continue
        data = summary(figures)
        first, sink = data["first_sound_s"] or {}, data["heard_on_sink_s"]
        rtf = "n/a" if data["rtf"] is None else f"{data['rtf']:.2g}"
        audio = data["audio_s_median"]
        rows.append(
            [
                name,
                f"{data['began']} of {data['lines']}",
                f"{_ms(first.get('median'))} / {_ms(first.get('p95'))}",
                rtf,
                "-" if audio is None else f"{audio:.1f} s",
                _ms(figures.opening),
            ]
        )
        heard = (
            f"; the first audible 10 ms block on the sink's monitor came {_ms(sink['median'])} "
            f"/ {_ms(sink['p95'])} after the line was handed over (timed from the monitor's "
            "sample count)"
            if sink
            else ""
        )
        notes.append(
            f"- {name}: first sound is {FIRST_SOUND_HOW.get(figures.output, '?')}{heard}. "
            f"Real-time factor: {figures.rtf_how}."
        )
    header = ["output", "lines begun", "line handed over → first sound (median / p95)",
              "real-time factor of synthesis (median)", "sound per line (median)",
              "opening the output"]  # fmt: skip
    return "\n".join(
        [
            "Each output says the assistant's replies to descriptions spread over the corpus "
            "(the product's own decision and wording), with the default settings, one output "
            "at a time, after saying the greeting once as a conversation does. Timed from "
            "handing the line to the speaker (the decision is made) to its first sound. A "
            "real-time factor below 1 is faster than speech. Opening the output: loading the "
            "engine or voice, or connecting to the daemon.",
            "",
            f"Load average (1 minute) {load[0]:.2f} at the start and {load[1]:.2f} at the end, "
            f"on {len(os.sched_getaffinity(0))} cores shared with other work.",
            "",
            table(header, rows) if rows else "No output could speak here.",
            "",
            *notes,
        ]
    )


def section(lines: Sequence[str], outputs: Sequence[str] = SPEECH_OUTPUTS) -> Section:
    """Measure every output on ``lines``; the report section."""
    before = os.getloadavg()[0]
    results = measure(lines, outputs)
    after = os.getloadavg()[0]
    return Section(
        title=TITLE,
        markdown=to_markdown(results, (before, after)),
        summary={
            "lines": list(lines),
            "load_average": {"start": before, "end": after},
            "outputs": {f.output: summary(f) for f in results},
        },
    )


def run(options: Options) -> Section:
    """The report section: twelve replies per output (the two shortest with --quick)."""
    return section(quick_lines() if options.quick else reply_lines())


def main(argv: list[str] | None = None) -> int:
    """Measure and write outputs.md and outputs.json; the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outputs", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_LINES} short replies")
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for outputs.md and .json")
    args = parser.parse_args(argv)
    started = time.monotonic()
    result = run(Options(quick=args.quick))
    elapsed = time.monotonic() - started
    write_alone(result, "outputs", args.out, argv, elapsed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
