"""`model adapt`: a speech model whose language model knows how patients talk.

The general model's language model (graph/Gr.fst) knows English; a Kneser-Ney trigram over
sentences made from the lexicon (:mod:`assistant.adapters.domain_text`) knows the domain. The
two are joined as a weighted union: one utterance is heard either as general English or as the
domain, whichever scores better, the domain entered with cost -ln(w / (1 - w)). General English
therefore comes out as before, and domain sentences get the words the lexicon names. The
domain side's unigrams are interpolated with all the general ones, so a domain sentence may hold
any word the model knows.

The result is a complete model folder beside the general one (its files hard-linked where the
file system allows), with its own graph/Gr.fst (a const FST over the general graph's word ids,
without a symbol table) and graph/words.txt, and a stamp (:mod:`assistant.adapters.model_stamp`).
It is built in a hidden folder beside its place, loaded once to check it, and only then renamed
into place. The same inputs give the same bytes.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.adapters import ngram, openfst
from assistant.adapters.archive import sha256_of
from assistant.adapters.domain_text import domain_sentences, load_carriers
from assistant.adapters.installation import command
from assistant.adapters.model_stamp import (
    BUILDER_VERSION,
    DEFAULT_INPUTS,
    METHOD,
    Inputs,
    Stamp,
    adapted_dir,
    freshness,
    is_adapted,
    write_stamp,
)
from assistant.adapters.model_store import load_vosk_model
from assistant.core.errors import UserError
from intents import load_lexicon

ORDER = 3
"""The domain model's n-gram order (the general model's too)."""
OPEN_VOCABULARY_WEIGHT = 0.1
"""Weight of the general unigrams mixed into the domain model."""
GRAPH = Path("graph", "Gr.fst")
"""The language model inside a model folder."""
WORDS = Path("graph", "words.txt")
"""The word list Vosk reads beside a graph that carries no symbol table."""
NOT_WORDS = frozenset({"<eps>", "#0", "<s>", "</s>", "[unk]", "!SIL"})
"""Symbols of the table that are not words a sentence may hold."""


def adapt_command() -> str:
    """The command that builds the adapted model, as it is run here."""
    return command("model adapt")


@dataclass(frozen=True)
class GraphFacts:
    """What a build made, for the stamp and the message."""

    sentences: int
    """Domain sentences the trigram was estimated from."""
    ngrams: tuple[int, ...]
    """The domain trigram's n-grams of each order."""


def adapt(
    general_dir: Path,
    *,
    force: bool = False,
    inputs: Inputs = DEFAULT_INPUTS,
    target: Path | None = None,
    say: Callable[[str], None] = print,
) -> Path:
    """Build the adapted model for ``general_dir`` unless it is up to date; returns its folder.

    ``target`` defaults to the folder beside the general model where the assistant looks.
    """
    if is_adapted(general_dir):
        raise UserError(
            f"{general_dir} is an adapted model; give the general model it was built from."
        )
    target = target or adapted_dir(general_dir)
    state = freshness(target, inputs, general_dir / GRAPH)
    if state.current and not force:
        say(f"The adapted speech model in {target} is up to date with {inputs.lexicon}.")
        return target
    openfst.check_installed()
    if not os.access(target.parent, os.W_OK):
        raise UserError(f"Cannot write in {target.parent}; run {adapt_command()} as its owner.")
    say(f"Building the adapted speech model in {target} (about a minute) …")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f".{target.name}.", dir=target.parent) as work_name:
        work = Path(work_name)
        staging = work / "model"
        _link_tree(general_dir, staging, skip={GRAPH})
        facts = build_graph(general_dir / GRAPH, inputs, staging / GRAPH.parent, work)
        write_stamp(
            staging,
            Stamp(
                builder_version=BUILDER_VERSION,
                method=METHOD,
                weight=inputs.weight,
                lexicon_sha256=sha256_of(inputs.lexicon),
                carriers_sha256=sha256_of(inputs.carriers),
                general_model=general_dir.name,
                general_graph_sha256=sha256_of(general_dir / GRAPH),
                graph_sha256=sha256_of(staging / GRAPH),
                sentences=facts.sentences,
            ),
        )
        load_vosk_model(staging)
        if target.exists():
            target.rename(work / "previous")
        staging.rename(target)
    seconds = time.monotonic() - started
    say(
        f"Built the adapted speech model in {target} in {seconds:.0f} s "
        f"({facts.sentences} domain sentences from {inputs.lexicon})."
    )
    return target


def _link_tree(source: Path, target: Path, skip: set[Path]) -> None:
    """The model's files in ``target``: hard links where possible, copies otherwise."""
    for path in sorted(source.resolve().rglob("*")):
        relative = path.relative_to(source.resolve())
        if relative in skip or path.is_dir():
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, destination)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(path, destination)


def build_graph(general_graph: Path, inputs: Inputs, graph_dir: Path, work: Path) -> GraphFacts:
    """Write the adapted Gr.fst and words.txt into ``graph_dir``."""
    table = work / "symbols.txt"
    openfst.save_symbols(general_graph, table)
    rows = _symbol_rows(table)
    word_ids = dict(rows)
    words: list[str | None] = [None] * (max(word_ids.values()) + 1)
    for word, number in rows:
        words[number] = word
    vocabulary = word_ids.keys() - NOT_WORDS

    sentences = domain_sentences(
        load_lexicon(inputs.lexicon), load_carriers(inputs.carriers), vocabulary.__contains__
    )
    domain = ngram.estimate_kneser_ney(sentences, ORDER)
    general = work / "general.fst"
    openfst.without_symbols(general_graph, general)
    with openfst.printed(general) as lines:
        unigrams = ngram.unigram_state(lines, words)
    opened = ngram.with_unigrams(domain, unigrams, OPEN_VOCABULARY_WEIGHT)
    entry_cost = -math.log(inputs.weight / (1.0 - inputs.weight))
    text = work / "domain.txt"
    text.write_text("\n".join(ngram.fst_text(opened, word_ids, entry_cost)) + "\n")
    compiled, joined = work / "domain.fst", work / "union.fst"
    openfst.compile_text(text, compiled)
    openfst.union(general, compiled, joined)
    graph_dir.mkdir(parents=True, exist_ok=True)
    openfst.arc_sorted_const(joined, graph_dir / GRAPH.name, work)
    # Vosk takes the words from here when the graph has no table; </s> once, as stored.
    (graph_dir / WORDS.name).write_text("".join(f"{w} {i}\n" for w, i in rows), encoding="utf-8")
    return GraphFacts(len(sentences), tuple(len(grams) for grams in domain.probs))


def _symbol_rows(table: Path) -> list[tuple[str, int]]:
    """The table's (word, id) rows in stored order, each word once (the shipped table repeats
    </s>)."""
    rows: list[tuple[str, int]] = []
    seen: set[str] = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        word, number = line.rsplit(maxsplit=1)
        if word not in seen:
            seen.add(word)
            rows.append((word, int(number)))
    return rows
