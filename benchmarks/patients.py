"""Simulated patients through the real voice loop: whole conversations, per voice and noise.

Each conversation is ``python -m assistant listen`` on the virtual sound devices with real Vosk
and real pyttsx3, and a simulated patient (support/patient.py) speaking with a test voice
(support/voices.py) into a live microphone, in a silent room or over pink noise at 10 dB SNR.
The patients are scenarios from the held-out corpora (support/patients.py), half of them with a
red flag, spread evenly over the corpora. Conversations run one at a time (they are real time,
and the machine's two cores are shared): about 20 seconds each.

Run: python -m benchmarks.patients [--quick] [--voice NAME] [--noise clean|10] [--scenarios N]
Writes patients.md and patients.json into --out (default docs/).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.core.errors import UserError
from benchmarks.base import DOCS, Options, Section, pct, table, write_alone
from support.live_conversation import Conversation, SpeechCache, run_conversation
from support.patients import Scenario, scenarios
from support.voices import ALL_VOICES, Voice, by_name

NOISES: tuple[float | None, ...] = (None, 10.0)
"""A silent room, and pink noise 10 dB under the patient's speech."""
FULL_SCENARIOS = 16
"""Conversations per voice and noise in a full run: about 6 minutes."""
QUICK_SCENARIOS = 2
"""Conversations per voice and noise with --quick (one with a red flag): under a minute."""
QUICK_VOICE = "espeak en-us"
"""The one voice of a quick report section."""
OUT_DIR = DOCS


@dataclass(frozen=True)
class Targets:
    """The figures issue 11 asks for."""

    recall_clean: float = 1.0
    """Red-flag recall in a silent room, neural voices."""
    recall_noisy: float = 0.98
    """Red-flag recall at 10 dB, neural voices."""
    success_clean: float = 0.97
    """Task success in a silent room."""
    success_noisy: float = 0.92
    """Task success at 10 dB."""
    turns_no_flag: float = 2.5
    """Most person turns on average for patients without a red flag."""


TARGETS = Targets()


def condition_name(snr: float | None) -> str:
    """ "clean" or "10 dB"."""
    return "clean" if snr is None else f"{snr:g} dB"


def parse_noise(text: str) -> float | None:
    """ "clean" -> None, "10" -> 10.0; UserError otherwise."""
    if text == "clean":
        return None
    try:
        return float(text.removesuffix("dB").strip())
    except ValueError:
        raise UserError(f"--noise takes clean or an SNR in dB (10), not {text!r}.") from None


def choose(patients: Sequence[Scenario], count: int) -> list[Scenario]:
    """``count`` patients, half with a red flag, each half spread evenly over corpus order."""
    if count < 1:
        raise UserError("--scenarios must be at least 1.")
    flagged = [p for p in patients if p.red_flag]
    plain = [p for p in patients if not p.red_flag]
    with_flag = min(len(flagged), (count + 1) // 2)
    return [*_spread(flagged, with_flag), *_spread(plain, min(len(plain), count - with_flag))]


def _spread(items: Sequence[Scenario], count: int) -> list[Scenario]:
    return [items[i * len(items) // count] for i in range(count)] if count else []


@dataclass(frozen=True)
class Figures:
    """One voice in one noise condition."""

    voice: str
    """The test voice."""
    family: str
    """espeak-ng or neural."""
    condition: str
    """clean or 10 dB."""
    conversations: int
    """Conversations held."""
    task_success: float
    """Share that ended on the right advice (a red flag at its urgency)."""
    red_flag_recall: float | None
    """Share of patients with a red flag who heard the red-flag reply (None: none had one)."""
    turns: float
    """Person turns per conversation (what the patient said before its goodbye), mean."""
    turns_no_flag: float | None
    """The same for patients without a red flag."""
    wrong_uncorrected: int
    """Conversations that ended on wrong advice, never corrected."""
    stopped: int
    """Conversations that had to be stopped (the loop never ended)."""
    seconds: float
    """Wall time of all the conversations."""
    failures: tuple[str, ...]
    """One line per conversation that did not end on the right advice."""


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def figures(
    voice: Voice, snr: float | None, held: Sequence[Conversation], seconds: float
) -> Figures:
    """The figures of the conversations ``held`` with ``voice`` at ``snr``."""
    flagged = [c for c in held if c.scenario.red_flag]
    plain = [c for c in held if not c.scenario.red_flag]
    return Figures(
        voice=voice.name,
        family=voice.family,
        condition=condition_name(snr),
        conversations=len(held),
        task_success=_mean([float(c.success) for c in held]) or 0.0,
        red_flag_recall=_mean([float(c.patient.heard_red_flag_reply) for c in flagged]),
        turns=_mean([float(c.patient.turns) for c in held]) or 0.0,
        turns_no_flag=_mean([float(c.patient.turns) for c in plain]),
        wrong_uncorrected=sum(c.wrong_uncorrected for c in held),
        stopped=sum(c.exit_code is None for c in held),
        seconds=seconds,
        failures=tuple(_failure(c) for c in held if not c.success),
    )


def _failure(conversation: Conversation) -> str:
    scenario, final = conversation.scenario, conversation.patient.final
    ended = "no advice" if final is None else final.recommendation
    if final is not None and final.urgency:
        ended += f" ({final.urgency})"
    heard = next((line.text for line in conversation.transcript if line.who == "heard"), "")
    return (
        f"{scenario.name} {scenario.description!r}: wanted {'/'.join(scenario.advice)}, "
        f"ended on {ended}; first heard {heard!r}"
    )


def measure(
    voice: Voice, snr: float | None, patients: Sequence[Scenario], seed: int, log: bool = True
) -> Figures:
    """Hold one conversation per patient with ``voice`` at ``snr``, one at a time."""
    cache = SpeechCache()
    held = []
    started = time.monotonic()
    for number, scenario in enumerate(patients):
        conversation = run_conversation(scenario, voice, snr, seed=seed + number, cache=cache)
        held.append(conversation)
        if log:
            mark = "ok" if conversation.success else "FAILED"
            print(
                f"patients: {voice.name}, {condition_name(snr)}: {scenario.name} {mark} "
                f"({conversation.seconds:.0f} s)",
                file=sys.stderr,
            )
    return figures(voice, snr, held, time.monotonic() - started)


def _meets(value: float | None, target: float, higher: bool = True) -> str:
    if value is None:
        return ""
    return "yes" if (value >= target if higher else value <= target) else "**no**"


def to_markdown(results: Sequence[Figures], patients: int) -> str:
    """The figures as a table, the targets, and every failed conversation."""
    rows = []
    for f in results:
        clean = f.condition == "clean"
        success_target = TARGETS.success_clean if clean else TARGETS.success_noisy
        recall_target = TARGETS.recall_clean if clean else TARGETS.recall_noisy
        recall_ok = _meets(f.red_flag_recall, recall_target) if f.family == "neural" else ""
        rows.append(
            [
                f.voice,
                f.condition,
                str(f.conversations),
                f"{pct(f.task_success)} {_meets(f.task_success, success_target)}",
                f"{pct(f.red_flag_recall)} {recall_ok}",
                f"{f.turns:.2f}",
                "-" if f.turns_no_flag is None else
                f"{f.turns_no_flag:.2f} {_meets(f.turns_no_flag, TARGETS.turns_no_flag, False)}",
                str(f.wrong_uncorrected),
                str(f.stopped),
                f"{f.seconds / 60:.1f} min",
            ]
        )  # fmt: skip
    header = ["voice", "noise", "n", "task success", "red-flag recall", "turns",
              "turns, no flag", "wrong, uncorrected", "stopped", "time"]  # fmt: skip
    failures = [f"- {f.voice}, {f.condition}: {line}" for f in results for line in f.failures]
    return "\n".join(
        [
            f"Whole conversations through the real voice loop (`python -m assistant listen` on "
            f"virtual devices, real Vosk, real pyttsx3), {patients} simulated patients from the "
            "held-out corpora per voice and noise, half with a red flag. Targets: red-flag "
            f"recall {pct(TARGETS.recall_clean)} clean and ≥ {pct(TARGETS.recall_noisy)} at 10 dB "
            f"(neural voices); task success ≥ {pct(TARGETS.success_clean)} clean and ≥ "
            f"{pct(TARGETS.success_noisy)} at 10 dB; ≤ {TARGETS.turns_no_flag} person turns "
            "for patients without a red flag. Turns count what the patient said before its "
            "goodbye.",
            "",
            table(header, rows),
            "",
            *(["Conversations that did not end on the right advice:", "", *failures]
              if failures else ["Every conversation ended on the right advice."]),
        ]
    )  # fmt: skip


def run(options: Options) -> Section:
    """The report section: every voice in both conditions (one voice, clean, with --quick)."""
    count = QUICK_SCENARIOS if options.quick else FULL_SCENARIOS
    voices = (by_name(QUICK_VOICE),) if options.quick else ALL_VOICES
    noises = (None,) if options.quick else NOISES
    return section(voices, noises, count, options.seed)


def section(
    voices: Sequence[Voice], noises: Sequence[float | None], count: int, seed: int
) -> Section:
    """Measure every voice in every noise condition on ``count`` patients."""
    patients = choose(scenarios(), count)
    results = [measure(voice, snr, patients, seed) for voice in voices for snr in noises]
    return Section(
        title="Simulated patients",
        markdown=to_markdown(results, len(patients)),
        summary={"patients": {f"{f.voice}, {f.condition}": _summary(f) for f in results}},
    )


def _summary(f: Figures) -> dict[str, Any]:
    return {key: value for key, value in vars(f).items() if key != "failures"} | {
        "failures": list(f.failures)
    }


def parser() -> argparse.ArgumentParser:
    """The command's options."""
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.patients",
        description="Simulated patients in whole conversations through the real voice loop.",
    )
    p.add_argument("--quick", action="store_true", help=f"{QUICK_SCENARIOS} patients per run")
    p.add_argument(
        "--voice", action="append", default=None, help="a test voice (default: every voice)"
    )
    p.add_argument("--noise", action="append", default=None, help="clean or 10 (default: both)")
    p.add_argument("--scenarios", type=int, default=None, help="patients per voice and noise")
    p.add_argument("--seed", type=int, default=Options.seed, help="seed of the noise")
    p.add_argument("--out", type=Path, default=OUT_DIR, help="folder for patients.md and .json")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run and write the report; the exit code."""
    args = parser().parse_args(argv)
    try:
        voices = [by_name(name) for name in args.voice] if args.voice else list(ALL_VOICES)
        noises = [parse_noise(n) for n in args.noise] if args.noise else list(NOISES)
        count = args.scenarios or (QUICK_SCENARIOS if args.quick else FULL_SCENARIOS)
        started = time.monotonic()
        result = section(voices, noises, count, args.seed)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    elapsed = time.monotonic() - started
    write_alone(result, "patients", args.out, argv, elapsed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
