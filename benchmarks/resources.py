"""Resources: model load, memory, CPU listening to silence, transcribe's growth with length.

Everything runs in fresh child processes, as a user would run the product, so the figures are
the product's own and not the benchmark's.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.base import REPO, Options, Section, table
from support import audio, speech

FULL_LENGTHS: tuple[float, ...] = (1, 10, 60, 180, 600, 1200)
"""Seconds of audio: 1 s to 10 min as asked, and 20 min to show where memory settles."""
FLAT_MB_PER_MINUTE = 1.0
"""Peak memory that grows slower than this between the two longest files counts as flat."""
QUICK_LENGTHS: tuple[float, ...] = (1, 10, 30)
FULL_SILENCE_SECONDS, QUICK_SILENCE_SECONDS = 10.0, 3.0
CPU_TARGET = 0.10

# Loads the model in a fresh interpreter and reports how long that took and the memory it holds.
_LOAD_PROBE = """
import json, resource, time
t = time.perf_counter()
from assistant.adapters.vosk_asr import Transcriber
tr = Transcriber.load()
loaded = time.perf_counter()
from benchmarks.domain_pass import DomainPass
DomainPass.load(tr)
done = time.perf_counter()
print(json.dumps({"load": loaded - t, "domain": done - loaded,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))
"""

# Feeds audio in real time (100 ms frames, paced by the clock) to a streaming recogniser and
# reports the process's CPU time over that stretch: what listening to a quiet room costs.
_LISTEN_PROBE = """
import json, resource, sys, time
import numpy as np
from assistant.adapters.vosk_asr import Transcriber
from benchmarks.domain_pass import BiasedStream, DomainPass
seconds, noise_db, biased = float(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
tr = Transcriber.load()
stream = tr.stream()
if biased:
    stream = BiasedStream(stream, DomainPass.load(tr).stream())
frames = int(seconds * 10)
rng = np.random.default_rng(7)
if noise_db == "none":
    audio = np.zeros(frames * 1600, dtype="<i2")
else:  # white noise at this level below full scale, like a quiet room through a cheap microphone
    amplitude = 32767 * 10 ** (float(noise_db) / 20)
    audio = np.clip(rng.standard_normal(frames * 1600) * amplitude, -32768, 32767).astype("<i2")
usage = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
cpu0, t0 = usage(), time.perf_counter()
heard = 0
for k in range(frames):
    heard += stream.accept(audio[k * 1600:(k + 1) * 1600].tobytes()) is not None
    delay = t0 + (k + 1) * 0.1 - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
cpu, wall = usage() - cpu0, time.perf_counter() - t0
print(json.dumps({"cpu": cpu, "wall": wall, "heard": heard}))
"""

# Runs a command and reports its wall time, CPU time and peak memory (its own rusage).
_TIMED = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": r.ru_utime + r.ru_stime, "rss": r.ru_maxrss * 1024,
                  "code": done.returncode, "words": len(done.stdout.split()),
                  "err": done.stderr[-300:]}))
"""


def _python(code: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe failed: {done.stderr[-500:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def model_load(runs: int) -> dict[str, float]:
    """Median model load time, domain vocabulary build time and resident memory, fresh each time."""
    probes = [_python(_LOAD_PROBE) for _ in range(runs)]
    return {
        "load_seconds": statistics.median(p["load"] for p in probes),
        "domain_seconds": statistics.median(p["domain"] for p in probes),
        "rss_mb": statistics.median(p["rss"] for p in probes) / 2**20,
    }


LISTEN_CASES: tuple[tuple[str, str, str], ...] = (
    ("digital silence, general model", "none", "0"),
    ("quiet room (-60 dBFS noise), general model", "-60", "0"),
    ("digital silence, general + domain pass", "none", "1"),
    ("quiet room (-60 dBFS noise), general + domain pass", "-60", "1"),
)


def listening_cpu(seconds: float, workers: int) -> list[dict[str, Any]]:
    """CPU share of one core while each listening case hears ``seconds`` of audio in real time.

    The cases run side by side (they sleep most of the time, so they hardly compete).
    """
    with ThreadPoolExecutor(max(1, workers)) as pool:
        probes = list(
            pool.map(
                lambda case: _python(_LISTEN_PROBE, str(seconds), case[1], case[2]), LISTEN_CASES
            )
        )
    return [
        {"case": name, "cpu_share": p["cpu"] / p["wall"], "heard": p["heard"], "seconds": p["wall"]}
        for (name, _, _), p in zip(LISTEN_CASES, probes, strict=True)
    ]


def _unit_wav(folder: Path) -> Path:
    """About 12 s: two sentences of speech and silence, the block long files repeat."""
    text = (
        "i twisted my knee playing football and now it is swollen. "
        "my shoulders are tight from sitting at a desk all day and i would like a massage."
    )
    spoken = speech.espeak_samples(text, "en-us", 160)
    block = np.concatenate([audio.silent_samples(1.0), spoken, audio.silent_samples(2.0)])
    path = folder / "unit.raw"
    path.write_bytes(block.astype("<i2").tobytes())
    return path


def make_long_wav(unit: Path, seconds: float, path: Path) -> Path:
    """A WAV of exactly ``seconds`` made by repeating the unit block with sox."""
    unit_seconds = unit.stat().st_size / 32000
    repeats = max(0, int(np.ceil(seconds / unit_seconds)) - 1)
    subprocess.run(
        [
            "sox",
            "-t",
            "raw",
            "-r",
            "16000",
            "-e",
            "signed",
            "-b",
            "16",
            "-c",
            "1",
            str(unit),
            str(path),
            "repeat",
            str(repeats),
            "trim",
            "0",
            f"{seconds:g}",
        ],
        check=True,
        capture_output=True,
    )
    return path


def transcribe_growth(lengths: Sequence[float]) -> list[dict[str, Any]]:
    """`python -m assistant transcribe FILE` on files of each length, one fresh process each."""
    rows = []
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory(prefix="bench-long-") as tmp:
        unit = _unit_wav(Path(tmp))
        for seconds in lengths:
            wav = make_long_wav(unit, seconds, Path(tmp) / f"long-{seconds:g}.wav")
            done = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    _TIMED,
                    sys.executable,
                    "-m",
                    "assistant",
                    "transcribe",
                    str(wav),
                ],
                capture_output=True,
                text=True,
                cwd=REPO,
                env=env,
                check=True,
            )
            probe = json.loads(done.stdout.strip().splitlines()[-1])
            if probe["code"] != 0:
                raise RuntimeError(f"transcribe failed on {seconds:g} s: {probe['err']}")
            rows.append(
                {
                    "seconds": seconds,
                    "wall": probe["wall"],
                    "cpu": probe["cpu"],
                    "rss_mb": probe["rss"] / 2**20,
                    "words": probe["words"],
                }
            )
            wav.unlink()
    return rows


def linear_fit(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Least-squares wall = a + b x length, its R², and how flat memory stays."""
    x = np.array([r["seconds"] for r in rows], dtype=float)
    y = np.array([r["wall"] for r in rows], dtype=float)
    b, a = np.polyfit(x, y, 1) if len(rows) > 1 else (0.0, float(y[0]))
    predicted = a + b * x
    total = float(np.sum((y - y.mean()) ** 2))
    r2 = 1 - float(np.sum((y - predicted) ** 2)) / total if total else 1.0
    # Memory is judged between the two longest files: before that the decoder's working set is
    # still growing towards its size.
    rss = [r["rss_mb"] for r in rows]
    minutes = (rows[-1]["seconds"] - rows[-2]["seconds"]) / 60 if len(rows) > 1 else 0.0
    late = (rss[-1] - rss[-2]) / minutes if minutes > 0 else 0.0
    return {
        "startup": float(a),
        "per_audio_second": float(b),
        "r2": r2,
        "rss_spread_mb": max(rss) - min(rss),
        "rss_late_mb_per_minute": late,
    }


def run(options: Options) -> Section:
    """Measure and write the resources section and plot."""
    speech.require_tools()
    load = model_load(1 if options.quick else 3)
    listen = listening_cpu(QUICK_SILENCE_SECONDS if options.quick else FULL_SILENCE_SECONDS, 4)
    growth = transcribe_growth(QUICK_LENGTHS if options.quick else FULL_LENGTHS)
    fit = linear_fit(growth)
    flat = fit["rss_late_mb_per_minute"] <= FLAT_MB_PER_MINUTE
    figure = _plot(growth, fit, options.out_dir / "transcribe_scaling.png")
    listen_rows = [
        [
            c["case"],
            f"{100 * c['cpu_share']:.1f} %",
            "yes" if c["cpu_share"] <= CPU_TARGET else "**no**",
        ]
        for c in listen
    ]
    growth_rows = [
        [
            f"{r['seconds']:g} s",
            f"{r['wall']:.2f} s",
            f"{r['cpu']:.2f} s",
            f"{(r['wall'] - fit['startup']) / r['seconds']:.3f}" if r["seconds"] >= 10 else "-",
            f"{r['rss_mb']:.0f} MB",
            str(r["words"]),
        ]
        for r in growth
    ]
    seconds = QUICK_SILENCE_SECONDS if options.quick else FULL_SILENCE_SECONDS
    body = f"""\
**Model load** (fresh process, median of {1 if options.quick else 3}): Vosk small model
{load["load_seconds"]:.2f} s; building the domain pass's vocabulary and lexicon
{load["domain_seconds"]:.2f} s more; peak resident memory of the loaded process
{load["rss_mb"]:.0f} MB.

**Listening to silence**: {seconds:g} s of audio fed in real time (100 ms frames) to a streaming
recogniser in a fresh process; process CPU time over wall time, as a share of one core
(target ≤ {100 * CPU_TARGET:.0f} %).

{table(["audio", "CPU (one core)", "within target"], listen_rows)}

**transcribe and file length**: `python -m assistant transcribe FILE` in a fresh process on
WAV files built with sox by repeating a 12 s block of espeak-ng speech and silence. Peak memory
is the child's peak resident set (getrusage). A straight line fits wall time with R² =
{fit["r2"]:.4f}: {fit["startup"]:.2f} s to start and load, then {fit["per_audio_second"]:.3f} s per
second of audio. Peak memory ranges over {fit["rss_spread_mb"]:.0f} MB from 1 s to
{growth[-1]["seconds"] / 60:g} min of audio, and between the two longest files it grows
{fit["rss_late_mb_per_minute"]:.2f} MB per minute of audio ({"flat" if flat else "not flat"}:
the goal is under {FLAT_MB_PER_MINUTE:g} MB per minute). The file is read in half-second
chunks; what grows early is the recogniser's working set, which settles after a few minutes.

{table(["audio", "wall", "CPU", "RTF after start-up", "peak memory", "words out"], growth_rows)}

![transcribe time and memory against length]({figure.name})
"""
    summary = {"model_load": load, "listening": listen, "transcribe": growth, "fit": fit}
    return Section("Resources", body, [figure], summary)


def _plot(rows: Sequence[dict[str, Any]], fit: dict[str, float], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["seconds"] / 60 for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(x, [r["wall"] for r in rows], "o", color="#2e5f8a", label="measured")
    line = np.linspace(0, max(x), 50)
    left.plot(
        line,
        fit["startup"] + fit["per_audio_second"] * line * 60,
        "--",
        color="#c0392b",
        label=f"linear fit (R² {fit['r2']:.3f})",
    )
    left.set_xlabel("audio, minutes")
    left.set_ylabel("wall time, s")
    left.set_title("transcribe: time")
    left.legend()
    left.grid(alpha=0.3)
    right.plot(x, [r["rss_mb"] for r in rows], "o-", color="#2e5f8a")
    right.set_ylim(0, max(r["rss_mb"] for r in rows) * 1.3)
    right.set_xlabel("audio, minutes")
    right.set_ylabel("peak resident memory, MB")
    right.set_title("transcribe: memory")
    right.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
