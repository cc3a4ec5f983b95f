"""Read the lexicon from TOML: the only file I/O of the intents package.

The file is meant to be edited by a clinician, so every mistake is reported as one line
naming the file, the entry and the fix (:class:`LexiconError`).
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from intents.index import LexiconIndex
from intents.models import (
    KINDS,
    SIGNALS,
    URGENCIES,
    Concern,
    Contraindication,
    Lexicon,
    Negation,
    Phrasing,
    RedFlag,
    Rule,
    Symptom,
    Term,
)
from intents.templates import TemplateError
from intents.tokenize import stems, words

DEFAULT_LEXICON = Path(__file__).with_name("lexicon.toml")
"""The lexicon shipped with the package."""

_default: LexiconIndex | None = None
_default_lock = threading.Lock()  # the listening loop builds it in the background

_TERM_KEYS = {"name", "label", "phrases", "when"}
_EXTRA_KEYS: dict[str, set[str]] = {
    "concern": {"signal", "part_of_condition", "requests_massage"},
    "red_flag": {"urgency"},
    "contraindication": set(),
    "symptom": set(),
}


class LexiconError(ValueError):
    """The lexicon file is missing or has a mistake; the message says where and how to fix it.

    One line, like every error the person is shown: the assistant prints (or speaks) it as is.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        """The one-line text."""
        return str(self)


def load_index(path: Path | None = None) -> LexiconIndex:
    """Load a lexicon and build its index. Without ``path``, the packaged one, built once."""
    global _default
    if path is None:
        with _default_lock:  # a second caller waits for the first build, not builds again
            if _default is None:
                _default = _load(DEFAULT_LEXICON)
        return _default
    return _load(Path(path))


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The plain lexicon data of :func:`load_index` (checked as fully as the index)."""
    return load_index(path).lexicon


def _load(path: Path) -> LexiconIndex:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(
            f"lexicon not found: {path}; give the path of a lexicon TOML file"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon {path}: {exc}; check the file") from None
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{path.name} is not valid TOML ({exc}); fix that line") from None
    return parse_index(data, source=str(path))


def parse_index(data: Mapping[str, Any], source: str = "lexicon") -> LexiconIndex:
    """:func:`parse_lexicon`, then build its index; a bad template is a LexiconError here."""
    lexicon = parse_lexicon(data, source)
    try:
        return LexiconIndex(lexicon).build()
    except TemplateError as exc:
        raise LexiconError(f"{Path(source).name}: {exc}") from None


def parse_lexicon(data: Mapping[str, Any], source: str = "lexicon") -> Lexicon:
    """Build a :class:`Lexicon` from parsed TOML data (tests use inline TOML).

    Templates are checked when an index is built (:func:`parse_index`).
    """
    where = Path(source).name
    known = {"version", "matching", "negation", "phrasing", "lists", "ignore", *KINDS}
    for key in data:
        if key not in known:
            raise LexiconError(f"{where}: unknown section [{key}]; expected one of {sorted(known)}")
    matching = _table(data, "matching", where)
    negation = _table(data, "negation", where)
    phrasing = _table(data, "phrasing", where)
    lists = {
        str(name): tuple(_strings(values, f"list {name}", where))
        for name, values in _table(data, "lists", where).items()
    }
    families: dict[str, list[Term]] = {kind: [] for kind in KINDS}
    seen: set[str] = set()
    for kind in KINDS:
        entries = data.get(kind, [])
        if not isinstance(entries, list):
            raise LexiconError(f"{where}: write each {kind} as a [[{kind}]] table")
        for entry in entries:
            term = _term(kind, entry, where)
            if term.name in seen:
                raise LexiconError(f"{where}: the name {term.name!r} is used twice; rename one")
            seen.add(term.name)
            families[kind].append(term)
    for term in (t for family in families.values() for t in family):
        for rule in term.rules:
            for name in (*(n for part in rule.all_of for n in part), *rule.unless):
                if name not in seen:
                    raise LexiconError(
                        f"{where}: {term.kind} {term.name!r} refers to unknown term {name!r}; "
                        "fix the name or add that term"
                    )
    return Lexicon(
        concerns=tuple(cast(Concern, t) for t in families["concern"]),
        red_flags=tuple(cast(RedFlag, t) for t in families["red_flag"]),
        contraindications=tuple(cast(Contraindication, t) for t in families["contraindication"]),
        symptoms=tuple(cast(Symptom, t) for t in families["symptom"]),
        negation=Negation(
            before=tuple(_strings(negation.get("before", []), "negation.before", where)),
            after=tuple(_strings(negation.get("after", []), "negation.after", where)),
            pseudo=tuple(_strings(negation.get("pseudo", []), "negation.pseudo", where)),
            scope_ends=_stem_set(negation.get("scope_ends", []), "negation.scope_ends", where),
            clause_starts=_stem_set(
                negation.get("clause_starts", []), "negation.clause_starts", where
            ),
            list_ends=_stem_set(negation.get("list_ends", []), "negation.list_ends", where),
            had_after=_stem_set(negation.get("had_after", []), "negation.had_after", where),
            later_ends=_stem_set(negation.get("later_ends", []), "negation.later_ends", where),
            window=_int(negation, "window", 5, where),
            red_flag_window=_int(negation, "red_flag_window", 3, where),
            after_window=_int(negation, "after_window", 3, where),
            habitual=tuple(
                tuple(stems(text))
                for text in _strings(negation.get("habitual", []), "negation.habitual", where)
            ),
        ),
        lists=lists,
        ignore=tuple(_strings(_table(data, "ignore", where).get("phrases", []), "ignore", where)),
        fillers=_stem_set(matching.get("fillers", []), "matching.fillers", where),
        hesitations=_stem_set(matching.get("hesitations", []), "matching.hesitations", where),
        gap_max=_int(matching, "gap_max", 3, where),
        gap_stops=_stem_set(matching.get("gap_stops", []), "matching.gap_stops", where),
        droppable=_stem_set(matching.get("droppable", []), "matching.droppable", where),
        phrasing=_phrasing(phrasing, where),
        source=source,
    )


_PHRASING_SETS = (
    "prepositions",
    "possessives",
    "sides",
    "past_forms",
    "subjects",
    "determiners",
    "lead_in_fillers",
    "clause_breaks",
    "clause_subjects",
    "explaining",
)


def _phrasing(table: Mapping[str, Any], where: str) -> Phrasing:
    unknown = set(table) - {*_PHRASING_SETS, "lead_in_reach", "site_reach"}
    if unknown:
        raise LexiconError(f"{where}: [phrasing] has unknown key(s) {sorted(unknown)}")
    sets = {
        key: _stem_set(table.get(key, []), f"phrasing.{key}", where)
        for key in _PHRASING_SETS
        if key != "past_forms"
    }
    # Past forms are compared as written: "tore" takes a body part, "tear" does not.
    past = frozenset(
        w
        for text in _strings(table.get("past_forms", []), "phrasing.past_forms", where)
        for w in words(text)
    )
    return Phrasing(
        **sets,
        past_forms=past,
        lead_in_reach=_int(table, "lead_in_reach", 4, where),
        site_reach=_int(table, "site_reach", 5, where),
    )


def _term(kind: str, entry: object, where: str) -> Term:
    if not isinstance(entry, dict):
        raise LexiconError(f"{where}: each [[{kind}]] must be a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise LexiconError(f'{where}: a [[{kind}]] has no name; add name = "..."')
    what = f"{kind} {name!r}"
    unknown = set(entry) - _TERM_KEYS - _EXTRA_KEYS[kind]
    if unknown:
        raise LexiconError(
            f"{where}: {what} has unknown key(s) {sorted(unknown)}; remove or rename them"
        )
    phrases = tuple(_strings(entry.get("phrases", []), f"{what} phrases", where))
    rules = tuple(
        _rule(r, what, where) for r in _list(entry.get("when", []), f"{what} when", where)
    )
    if not phrases and not rules:
        raise LexiconError(f"{where}: {what} has neither phrases nor a when rule; add one")
    label = entry.get("label", "")
    if not isinstance(label, str):
        raise LexiconError(f"{where}: {what} label must be text")
    common: dict[str, Any] = {"name": name, "phrases": phrases, "rules": rules, "label": label}
    if kind == "concern":
        signal = entry.get("signal", "neutral")
        if signal not in SIGNALS:
            raise LexiconError(f"{where}: {what} signal must be one of {list(SIGNALS)}")
        flags = {key: entry.get(key, False) for key in ("part_of_condition", "requests_massage")}
        for key, value in flags.items():
            if not isinstance(value, bool):
                raise LexiconError(f"{where}: {what} {key} must be true or false")
        return Concern(kind="concern", signal=signal, **flags, **common)
    if kind == "red_flag":
        urgency = entry.get("urgency")
        if urgency not in URGENCIES:
            raise LexiconError(f"{where}: {what} urgency must be one of {list(URGENCIES)}")
        return RedFlag(kind="red_flag", urgency=urgency, **common)
    if kind == "contraindication":
        return Contraindication(kind="contraindication", **common)
    return Symptom(kind="symptom", **common)


def _rule(raw: object, what: str, where: str) -> Rule:
    if not isinstance(raw, dict):
        raise LexiconError(f'{where}: {what}: each when entry is a table like {{all = ["a", "b"]}}')
    unknown = set(raw) - {"all", "unless", "urgency"}
    if unknown:
        raise LexiconError(f"{where}: {what}: unknown key(s) {sorted(unknown)} in a when rule")
    parts = _strings(raw.get("all", []), f"{what} when.all", where)
    if not parts:
        raise LexiconError(f"{where}: {what}: a when rule needs all = [...] with at least one name")
    urgency = raw.get("urgency")
    if urgency is not None and urgency not in URGENCIES:
        raise LexiconError(f"{where}: {what}: rule urgency must be one of {list(URGENCIES)}")
    return Rule(
        all_of=tuple(tuple(n.strip() for n in part.split("|")) for part in parts),
        unless=tuple(_strings(raw.get("unless", []), f"{what} when.unless", where)),
        urgency=urgency,
    )


def _table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise LexiconError(f"{where}: [{key}] must be a table")
    return value


def _list(value: object, what: str, where: str) -> list[object]:
    if not isinstance(value, list):
        raise LexiconError(f"{where}: {what} must be a list [...]")
    return value


def _strings(value: object, what: str, where: str) -> list[str]:
    items = _list(value, what, where)
    if not all(isinstance(v, str) for v in items):
        raise LexiconError(f"{where}: {what} must be a list of quoted texts")
    return cast(list[str], items)


def _stem_set(value: object, what: str, where: str) -> frozenset[str]:
    return frozenset(s for text in _strings(value, what, where) for s in stems(text))


def _int(table: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
        raise LexiconError(f"{where}: {key} must be a whole number from 0 to 20")
    return value
