"""Text to matches: which concerns, red flags and contraindications a person mentioned.

Pure functions, no I/O. The steps, in order:

1. tokenise (:mod:`intents.tokenize`) and drop hesitations ("um", "uh");
2. in each family, scan left to right for the longest phrase at each position, so
   multi-word phrases win over the single words inside them;
3. negation: a negation phrase ("no", "don't have", "never had") negates the matches that
   start within a few words after it, until a scope-ending word ("but", "just", "only",
   "and", "i" ...); "no X or Y" negates both. A few phrases negate what came just before
   ("... went away"), never a red flag. A negation said of what usually happens ("i don't
   get headaches as a rule") still lets what it negates count for red-flag rules. Negation
   words inside a matched phrase ("can't sleep", "no energy") are part of that phrase, not
   negation. Negation never reaches into another sentence ("No fever. Stressed though.");
4. rules: terms heard through combinations ("headache" + "fever" + "stiff neck");
5. each match notes the body part it is about (its site), said in it or near it in its clause,
   so the decision can tell tension in the injured knee from tension in the shoulders (a
   time said with a body-part word, "six weeks back", names none).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from intents.index import LexiconIndex, PhraseTrie
from intents.models import Concern, Kind, Lexicon, Match, Phrasing, RedFlag, Term, Urgency
from intents.tokenize import Token, tokenize

_KIND_ORDER: dict[Kind, int] = {"red_flag": 0, "concern": 1, "contraindication": 2, "symptom": 3}
_MAX_RULE_PASSES = 4
_NO_STEM = " "
"""Stands in for a word that must match nothing (no stem holds a space; "" ends a phrase)."""
_SIGNS: frozenset[Kind] = frozenset({"symptom"})
"""Families whose phrases are signs, not meanings: every sign said is heard, also where their
phrases overlap, while for meanings only the longest reading counts ("knee replacement", not
"knee")."""


@dataclass
class _Hit:
    """A phrase found, in positions of the kept (hesitation-free) tokens."""

    term: Term
    start: int
    end: int
    negated: bool = False
    only_after: bool = False
    """Negated only by a phrase after it ("... went away"): still a part of red-flag rules."""


def recognize(text: str, index: LexiconIndex) -> list[Match]:
    """Everything the indexed lexicon recognises in ``text``, negated ones included
    (``negated=True``).

    Matches are ordered by where they were said. Never raises for any string.
    """
    lexicon = index.lexicon
    tokens, breaks = _kept_tokens(text, lexicon)
    keys = [t.stem for t in tokens]
    hits = _find_phrases(keys, index)
    _apply_negation(keys, hits, index, breaks)
    part_keys = _without_false_parts(keys, index)
    matches = [_to_match(h, tokens, keys, part_keys, index, breaks) for h in hits]
    soft = {id(m) for m, h in zip(matches, hits, strict=True) if h.only_after}
    matches.extend(_apply_rules(matches, lexicon, soft, _clauses(tokens, keys, breaks, lexicon)))
    matches.sort(key=lambda m: (m.start, m.end, _KIND_ORDER[m.kind], m.name))
    return matches


def _kept_tokens(text: str, lexicon: Lexicon) -> tuple[list[Token], frozenset[int]]:
    """The tokens without hesitations, and the positions among them that start a sentence."""
    tokens: list[Token] = []
    breaks: set[int] = set()
    pending = False  # a sentence started on a hesitation that was dropped
    for token in tokenize(text):
        pending = pending or token.sentence_start
        if token.stem in lexicon.hesitations:
            continue
        if pending and tokens:
            breaks.add(len(tokens))
        pending = False
        tokens.append(token)
    return tokens, frozenset(breaks)


def _find_phrases(keys: Sequence[str], index: LexiconIndex) -> list[_Hit]:
    lexicon = index.lexicon
    hits: list[_Hit] = []
    n = len(keys)
    for kind, trie in index.families.items():
        signs = kind in _SIGNS
        covered: dict[str, int] = {}  # for signs: how far each one's phrases reach so far
        i = 0
        while i < n:
            found = trie.longest(
                keys, i, lexicon.fillers, lexicon.gap_max, lexicon.gap_stops, lexicon.droppable
            )
            if found is None:
                i += 1
                continue
            end, names = found
            if keys[i] in index.negation_starts and _longer_after(trie, keys, i, end, lexicon):
                i += 1  # "no slept funny": the negation is a negation, not part of "no sleep"
                continue
            if not (signs and names):
                hits.extend(_Hit(index.terms[name], i, end) for name in names)
                i = end  # the longest reading, or an ignored phrase hiding its words
                continue
            for name, sign_end in _every_sign(trie, keys, i, lexicon).items():
                if sign_end > covered.get(name, 0):
                    hits.append(_Hit(index.terms[name], i, sign_end))
                    covered[name] = sign_end
            i += 1
    return hits


def _every_sign(trie: PhraseTrie, keys: Sequence[str], i: int, lexicon: Lexicon) -> dict[str, int]:
    """Where each sign said from ``i`` ends, with its own longest phrase. Signs overlap: one
    phrase can name two ("sciatica down both legs" is back pain and both legs), and one can
    start inside another ("my back aches at night"); rules need them all."""
    ends: dict[str, int] = {}
    found = trie.phrases_at(
        keys, i, lexicon.fillers, lexicon.gap_max, lexicon.gap_stops, lexicon.droppable
    )
    for end, names in found:
        for name in names:
            ends[name] = max(end, ends.get(name, end))
    return ends


def _longer_after(
    trie: PhraseTrie, keys: Sequence[str], i: int, end: int, lexicon: Lexicon
) -> bool:
    """Whether a phrase starting just after position ``i`` reaches as far as ``end``."""
    found = trie.longest(
        keys, i + 1, lexicon.fillers, lexicon.gap_max, lexicon.gap_stops, lexicon.droppable
    )
    return found is not None and found[0] >= end


def _apply_negation(
    keys: Sequence[str], hits: list[_Hit], index: LexiconIndex, breaks: frozenset[int]
) -> None:
    lexicon = index.lexicon
    n = len(keys)
    if not hits or n == 0:
        return
    covered = [False] * n
    starts: dict[int, list[_Hit]] = {}
    for h in hits:
        starts.setdefault(h.start, []).append(h)
        for p in range(h.start, h.end):
            covered[p] = True
    i = 0
    while i < n:
        found = index.negation.longest(keys, i, frozenset(), 0, frozenset())
        if found is None:
            i += 1
            continue
        end, payload = found
        # Inside a phrase ("can't sleep", "no energy") negation words belong to that phrase.
        if not any(covered[i:end]):
            if "before" in payload:
                negated = _negate_forward(keys, end, starts, lexicon, breaks, index.negation)
                if negated and _habitual(keys, i, max(h.end for h in negated), lexicon):
                    for h in negated:
                        h.only_after = True  # negated, yet still a part of red-flag rules
            elif "after" in payload:
                _negate_backward(keys, i, hits, lexicon, breaks)
        i = end


def _habitual(keys: Sequence[str], start: int, end: int, lexicon: Lexicon) -> bool:
    """Whether a negation from ``start`` to what it negated (ending at ``end``) is said of
    what usually happens ("i don't usually get headaches", "... headaches as a rule")."""
    neg = lexicon.negation
    stop = end
    while stop < len(keys) and stop - end < neg.after_window and keys[stop] not in neg.scope_ends:
        stop += 1
    for marker in neg.habitual:
        for p in range(start, stop - len(marker) + 1):
            if tuple(keys[p : p + len(marker)]) == marker:
                return True
    return False


def _negate_forward(
    keys: Sequence[str],
    j: int,
    starts: dict[int, list[_Hit]],
    lexicon: Lexicon,
    breaks: frozenset[int],
    negations: PhraseTrie,
) -> list[_Hit]:
    """Negate the matches within reach after a negation ending at ``j``; return them.

    A match that itself opens with a negation ("no feeling in my feet", "can't sleep") is
    kept: "i ain't got no feeling in my feet" says the feeling is gone (negative concord).
    """
    neg = lexicon.negation
    negated: list[_Hit] = []
    widest = max(neg.window, neg.red_flag_window)
    count = 0  # words since the negation (or the last negated match)
    named = False  # a word other than a filler or a small word came since the negation
    n = len(keys)
    while j < n:
        if j in breaks or keys[j] in neg.clause_starts:
            return negated  # also before a phrase that starts with one: "no injury, i'm just sore"
        if keys[j] in neg.list_ends and (negated or (count and keys[j - 1] not in neg.had_after)):
            return negated  # a new subject after what was denied: "no numb bits, my back ..."
        if keys[j] in neg.later_ends and (negated or named):
            return negated  # what is had after what was denied: "no helmet, bit of a headache"
        if negated and keys[j] in neg.scope_ends and keys[j] not in neg.list_ends:
            # Once something was denied, even when a phrase starts there ("no chest pain, just
            # one leg"); before that it may be what is denied ("not well being", "i don't have
            # it band syndrome").
            return negated
        here = starts.get(j, [])
        reached = [
            h
            for h in here
            if count <= (neg.red_flag_window if h.term.kind == "red_flag" else neg.window)
        ]
        opening = negations.longest(keys, j, frozenset(), 0, frozenset()) if reached else None
        if opening is not None and "before" in opening[1]:
            reached = []
        if reached:
            stop = _denied_span(j, max(h.end for h in reached), starts, reached)
            for h in reached:
                h.negated = True
                h.only_after = False
            negated.extend(reached)
            j = stop
            count = 0  # "no fever, rash or stiff neck": the reach starts again after each
            continue
        if keys[j] in neg.scope_ends:
            return negated  # before anything was denied, or a "my": only if no phrase starts here
        if keys[j] not in lexicon.fillers:
            count += 1
            named = named or keys[j] not in lexicon.droppable
            if count > widest:
                return negated
        j += 1
    return negated


def _denied_span(j: int, stop: int, starts: dict[int, list[_Hit]], reached: list[_Hit]) -> int:
    """Add to ``reached`` (the matches denied from ``j`` to ``stop``) whatever is said inside
    them ("chest pain" holds "pain"), and a sign that starts inside one and runs on ("didn't
    get hit in the head": "get hit" and "hit in the head"), never a red flag's own phrase;
    return where the denied words end."""
    p = j + 1
    while p < stop:
        for h in starts.get(p, []):
            if h.end <= stop or h.term.kind != "red_flag":
                reached.append(h)
                stop = max(stop, h.end)
        p += 1
    return stop


def _negate_backward(
    keys: Sequence[str], at: int, hits: list[_Hit], lexicon: Lexicon, breaks: frozenset[int]
) -> None:
    neg = lexicon.negation
    for h in hits:
        if h.term.kind == "red_flag" or h.end > at:
            continue  # "the chest pain went away" still needs a doctor
        if isinstance(h.term, Concern) and h.term.requests_massage:
            continue  # "i want a massage, is okay?" asks for it; it does not call it no problem
        if any(h.end <= b <= at for b in breaks):
            continue
        between = [k for k in keys[h.end : at] if k not in lexicon.fillers]
        if len(between) <= neg.after_window and not any(k in neg.scope_ends for k in between):
            h.only_after = not h.negated
            h.negated = True


def _without_false_parts(keys: Sequence[str], index: LexiconIndex) -> list[str]:
    """The stems, with those of phrases that only look like a body part blanked out ("a few
    weeks back" is a time, not the back), for finding the body part a match is about."""
    masked = list(keys)
    i = 0
    while i < len(keys):
        found = index.not_body_parts.longest(keys, i, frozenset(), 0, frozenset())
        if found is None:
            i += 1
            continue
        masked[i : found[0]] = [_NO_STEM] * (found[0] - i)
        i = found[0]
    return masked


def _to_match(
    hit: _Hit,
    tokens: Sequence[Token],
    keys: Sequence[str],
    part_keys: Sequence[str],
    index: LexiconIndex,
    breaks: frozenset[int],
) -> Match:
    """``part_keys`` are the stems to find body parts in (see :func:`_without_false_parts`)."""
    phrasing = index.lexicon.phrasing
    start, end = _attach_body_part(
        hit.start, hit.end, tokens, part_keys, index.body_parts, phrasing
    )
    lead = _lead_in(start, keys, phrasing)
    term = hit.term
    return Match(
        name=term.name,
        kind=term.kind,
        words=_text(tokens, start, end),
        start=tokens[start].index,
        end=tokens[end - 1].index + 1,
        urgency=term.urgency if isinstance(term, RedFlag) else None,
        negated=hit.negated,
        signal=term.signal if isinstance(term, Concern) else None,
        part_of_condition=term.part_of_condition if isinstance(term, Concern) else False,
        requests_massage=term.requests_massage if isinstance(term, Concern) else False,
        label=term.label,
        said=_text(tokens, lead, end),
        site=_site(start, end, part_keys, index.body_parts, index.lexicon, breaks),
    )


def _site(
    start: int,
    end: int,
    keys: Sequence[str],
    parts: PhraseTrie,
    lexicon: Lexicon,
    breaks: frozenset[int],
) -> str:
    """The body part a match is about: one inside it, else one said straight after it ("the
    tightest neck"), else the nearest within its clause ("my shoulders are all knotted up"),
    looking back first. Its last stem, or ""."""
    phrasing, fillers = lexicon.phrasing, lexicon.fillers

    def part_at(i: int, limit: int) -> str:
        found = parts.longest(keys, i, frozenset(), 0, frozenset())
        return keys[found[0] - 1] if found is not None and found[0] <= limit else ""

    n = len(keys)
    for i in range(start, end):
        if site := part_at(i, end):
            return site
    # A part said straight after is what the words describe: "the tightest neck", "sore knee".
    if end < n and end not in breaks and (site := part_at(end, n)):
        return site
    for i in range(start - 1, max(start - 1 - phrasing.site_reach, -1), -1):
        if i + 1 in breaks or (keys[i] in phrasing.clause_breaks and keys[i] not in fillers):
            break  # "so" in "so tight" is a filler, not a new clause
        if site := part_at(i, end):  # may run into the match: "rotator cuff repair"
            return site
    for i in range(end, min(end + phrasing.site_reach, n)):
        if i in breaks or (keys[i] in phrasing.clause_breaks and keys[i] not in fillers):
            break
        if site := part_at(i, n):
            return site
    return ""


def _text(tokens: Sequence[Token], start: int, end: int) -> str:
    return " ".join(t.text for t in tokens[start:end])


def _attach_body_part(
    start: int,
    end: int,
    tokens: Sequence[Token],
    keys: Sequence[str],
    parts: PhraseTrie,
    phrasing: Phrasing,
) -> tuple[int, int]:
    """Widen a match over a body part said right before or after it ("knee surgery").

    A body part right after a past-tense verb belongs to it without a preposition
    ("sprained my ankle"); after a noun it does not ("operation my leg").
    """
    for back in (1, 2):
        if start - back < 0:
            break
        found = parts.longest(keys, start - back, frozenset(), 0, frozenset())
        if found is not None and found[0] == start:
            start -= back
            if start > 0 and keys[start - 1] in phrasing.sides:
                start -= 1
            break
    last = tokens[end - 1].text
    past_tense = last.endswith("ed") or last in phrasing.past_forms
    j = end
    if j < len(keys) and keys[j] in phrasing.prepositions:
        j += 1
    elif not (past_tense or keys[end - 1] in phrasing.possessives):
        return start, end
    if j < len(keys) and keys[j] in phrasing.possessives:
        j += 1
    if j < len(keys) and keys[j] in phrasing.sides:
        j += 1
    found = parts.longest(keys, j, frozenset(), 0, frozenset()) if j < len(keys) else None
    if found is not None:
        end = found[0]
    return start, end


def _lead_in(start: int, keys: Sequence[str], phrasing: Phrasing) -> int:
    """Where a quote of the match should start: at its speaker ("i", "my") if near, else at
    an article just before it."""
    for back in range(1, phrasing.lead_in_reach + 1):
        p = start - back
        if p < 0 or keys[p] in phrasing.clause_breaks:
            break
        if keys[p] in phrasing.subjects:
            return p
        if keys[p] not in phrasing.lead_in_fillers:
            break
    determiners, breaks = phrasing.determiners, phrasing.clause_breaks
    if start > 0 and keys[start - 1] in determiners:
        return start - 1
    if start > 1 and keys[start - 2] in determiners and keys[start - 1] not in breaks:
        return start - 2  # "a car accident"
    return start


def _clauses(
    tokens: Sequence[Token], keys: Sequence[str], breaks: frozenset[int], lexicon: Lexicon
) -> dict[int, int]:
    """The clause of each word, by its position in the utterance: a new one starts with a
    sentence, or with a speaker ("i", "she's") unless it goes on explaining ("since i ...")."""
    phrasing = lexicon.phrasing
    clause = 0
    of: dict[int, int] = {}
    for i, token in enumerate(tokens):
        speaker = keys[i] in phrasing.clause_subjects and keys[i - 1] not in phrasing.explaining
        if i and (i in breaks or speaker):
            clause += 1
        of[token.index] = clause
    return of


def _apply_rules(
    matches: Sequence[Match], lexicon: Lexicon, soft: set[int], clause_of: dict[int, int]
) -> list[Match]:
    """Terms heard through combinations of other, non-negated, terms.

    For red flags, a part negated only by what followed it ("the stiff neck went away") still
    counts: when in doubt, escalate. ``soft`` holds the ids of such matches. A known condition
    in a red flag's "unless" (an old stroke, an injury) explains its signs wherever it is said,
    but a circumstance (a sign such as "last year", "after sitting on it") stops the flag only
    when said in a clause of the signs: "i had a concussion playing rugby, i was diagnosed with
    ms last year" still escalates. ``clause_of`` gives each word's clause.
    """

    def clauses(m: Match) -> set[int]:
        return {clause_of.get(i, -1) for i in range(m.start, m.end)}

    heard: dict[str, Match] = {}
    escalating: dict[str, Match] = {}
    for m in matches:
        if not m.negated:
            heard.setdefault(m.name, m)
        if not m.negated or id(m) in soft:
            escalating.setdefault(m.name, m)
    derived: list[Match] = []
    made: set[tuple[str, Urgency | None]] = set()
    for _ in range(_MAX_RULE_PASSES):
        added = False
        for term in lexicon.terms():
            pool = escalating if isinstance(term, RedFlag) else heard
            flag = isinstance(term, RedFlag)
            for rule in term.rules:
                if not flag and any(name in heard for name in rule.unless):
                    continue
                parts: list[Match] = []
                for alternatives in rule.all_of:
                    part = next((pool[a] for a in alternatives if a in pool), None)
                    if part is None:
                        break
                    parts.append(part)
                else:
                    if flag and rule.unless:
                        near = set().union(*(clauses(p) for p in parts))
                        stops = [
                            m
                            for m in (*matches, *derived)
                            if m.name in rule.unless and not m.negated
                        ]
                        if any(m.kind != "symptom" or clauses(m) & near for m in stops):
                            continue
                    urgency = rule.urgency or (term.urgency if isinstance(term, RedFlag) else None)
                    if (term.name, urgency) in made:
                        continue
                    made.add((term.name, urgency))
                    match = _combine(term, parts, urgency)
                    derived.append(match)
                    heard.setdefault(term.name, match)
                    escalating.setdefault(term.name, match)
                    added = True
        if not added:
            break
    return derived


def _combine(term: Term, parts: Sequence[Match], urgency: Urgency | None) -> Match:
    unique = list({(p.start, p.end): p for p in sorted(parts, key=lambda p: p.start)}.values())
    saids = [p.said for p in unique]
    said = saids[0] if len(saids) == 1 else ", ".join(saids[:-1]) + " and " + saids[-1]
    return Match(
        name=term.name,
        kind=term.kind,
        words=" ".join(p.words for p in unique),
        start=min(p.start for p in unique),
        end=max(p.end for p in unique),
        urgency=urgency,
        signal=term.signal if isinstance(term, Concern) else None,
        part_of_condition=term.part_of_condition if isinstance(term, Concern) else False,
        requests_massage=term.requests_massage if isinstance(term, Concern) else False,
        label=term.label,
        said=said,
        parts=tuple(unique),
        site=next((p.site for p in unique if p.site), ""),
    )
