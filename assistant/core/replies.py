"""A decision to words meant for the ear: short sentences, no lists, no abbreviations.

Facts about the two therapies come from the source article in shared/domain (what each one
is for, how it works); the red-flag wording follows the red-flag table. The sentences are the
product's own.

- ``explanation``: at most two short sentences that name what the person said
  ("Because you mentioned your knee surgery, ...").
- ``reply``: everything spoken. An emergency reply starts with the call to emergency
  services; an urgent one with seeing a doctor today; every recommendation ends with the
  reminder that this is general information, not a diagnosis. For "unclear" the reply is the
  clarifying question, asking for what is missing.
- ``more``: the longer "tell me more" explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.core.decision import Decision
from intents.models import Match, Urgency

REMINDER = "This is general information, not a diagnosis."
"""Ends every recommendation."""
CALL_NOW = "Call emergency services now."
"""Starts every emergency reply."""
SEE_TODAY = "Please see a doctor today."
"""Starts every urgent reply."""

_MAX_QUOTE_WORDS = 12

# Why physiotherapy fits, by concern (article: assessment, targeted exercises, modalities;
# sought for sports injuries, recovery after surgery, chronic pain, neurological disorders,
# musculoskeletal conditions; restores mobility, strength and function).
_PHYSIO_WHY: dict[str, str] = {
    "injury": (
        "A physiotherapist can assess the injury and guide exercises that help it heal "
        "and move again."
    ),
    "surgery": (
        "Rehabilitation after an operation is a core part of physiotherapy, "
        "rebuilding strength and movement."
    ),
    "diagnosed_condition": (
        "A physiotherapist can assess the condition and plan exercises and treatment for it."
    ),
    "neurological": (
        "Physiotherapists also work with conditions of the brain and nerves, "
        "helping movement, strength and balance."
    ),
    "nerve_symptoms": (
        "A physiotherapist can assess muscles, joints and nerves, and find what presses on "
        "or irritates a nerve."
    ),
    "chronic_pain": (
        "Physiotherapy helps people manage long-lasting pain with assessment, exercise "
        "and hands-on treatment."
    ),
    "mobility": "Physiotherapy aims to restore movement, strength and balance.",
}
_PHYSIO_WHY_DEFAULT = (
    "A physiotherapist can assess the problem and guide exercises to restore function."
)

# Why massage fits (article: relaxes muscles, releases tension, relieves stress, stimulates
# blood flow, endorphins; sought for muscle strains, stress, headaches, insomnia, fatigue).
_MASSAGE_WHY: dict[str, str] = {
    "stress": "Massage relaxes the body and helps relieve stress.",
    "relaxation": "Massage is made for relaxing and a sense of well-being.",
    "muscle_tension": "Massage works on tight muscles and releases tension.",
    "headache": "People often turn to massage for headaches, as it relaxes tense muscles.",
    "insomnia": "Massage relaxes body and mind, and people often seek it when sleep is poor.",
    "fatigue": "People often seek massage for general tiredness and a sense of well-being.",
    "soreness": "Massage relaxes sore muscles and gets the blood flowing.",
    "body_soreness": "Massage relaxes aching muscles all over and gets the blood flowing.",
    "circulation": "Massage stimulates blood flow to the tissues.",
}
_MASSAGE_WHY_DEFAULT = "Massage relaxes muscles and eases tension."

_PHYSIO_MORE = (
    "Physiotherapy, also called physical therapy, is a health profession that restores and keeps "
    "up the body's ability to move and function. "
    "A physiotherapist starts with a careful assessment to find what is limited or weak. "
    "They can diagnose problems of the muscles, joints and nerves, "
    "and then plan treatment for you. "
    "Treatment is mostly targeted exercises and stretches that strengthen muscles, free up joints "
    "and bring back normal movement. "
    "They may also use ultrasound, electrical stimulation, heat, or gentle hands-on joint "
    "mobilisation to ease pain, calm inflammation and help healing. "
    "People usually go for sports injuries, recovery after surgery, long-lasting pain, "
    "conditions of the brain and nerves, and problems of the muscles and joints."
)
_MASSAGE_MORE = (
    "Massage therapy is a hands-on treatment of the body's soft tissues. "
    "A massage therapist uses strokes and pressure, with techniques such as Swedish massage, deep "
    "tissue massage or myofascial release, to relax muscles, ease tension and relieve stress. "
    "Working the tissues boosts blood flow, which brings oxygen and nutrients and carries waste "
    "away, and that can help recovery. "
    "It also releases endorphins, the body's own painkillers, for a sense of calm and well-being. "
    "People often seek it for muscle strains, stress, headaches, poor sleep "
    "and general tiredness."
)
_BOTH_MORE = (
    "The two work well together. "
    "Physiotherapy focuses on rehabilitation and getting function back, "
    "while massage focuses on relaxation, stress and the soft tissues. "
    "Talking to both a physiotherapist and a massage therapist can help you choose."
)
_DOCTOR_MORE = (
    "Some signs need a doctor before any therapy, because they can point to a problem that "
    "physiotherapy or massage cannot treat. "
    "A doctor can check what is going on and rule out anything serious. "
    "Once that is done, physiotherapy or massage may still help, "
    "and the doctor can say which is safe."
)
_CAUTION_MORE = (
    "Massage is not advised with some conditions until a clinician says it is safe. "
    "These include blood clots, blood thinners or bleeding problems, a fever or infection, open or "
    "healing wounds, burns, skin infections, broken or fragile bones, a recent operation, cancer, "
    "and pregnancy. "
    "Your doctor or the clinician treating you can tell you when massage is fine."
)
_CHOICE_MORE = (
    "Physiotherapy suits injuries, recovery after an operation, diagnosed conditions, long-lasting "
    "pain, and getting movement and strength back. "
    "Massage therapy suits stress, relaxation, tight or sore muscles without a medical cause, "
    "headaches, poor sleep and tiredness. "
    "Tell me which sounds closer, and I can say more."
)

_ASK_KIND = (
    "Is there an injury, an operation or a diagnosed condition, "
    "or is it more about stress and tight muscles?"
)


@dataclass(frozen=True)
class Reply:
    """The words for one decision."""

    explanation: str
    """The short spoken reason, at most two short sentences."""
    reply: str
    """The full text spoken aloud."""
    more: str
    """The longer "tell me more" explanation."""


_SWAP = {
    "i": "you",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "ive": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "my": "your",
    "me": "you",
    "myself": "yourself",
    "mine": "yours",
    "am": "are",
}


def second_person(words: str) -> str:
    """Turn the person's words toward them: "i sprained my ankle" -> "you sprained your ankle"."""
    out: list[str] = []
    for w in words.split():
        if w == "was" and out and out[-1] == "you":
            out.append("were")  # "i was in an accident" -> "you were in an accident"
        else:
            out.append(_SWAP.get(w, w))
    return " ".join(out)


def quote(match: Match) -> str:
    """What the person said for ``match``, turned toward them and kept short.

    A concern or caution heard through a rule that joins several things ("a knee
    replacement" + "six weeks ago") is named by its label ("a recent operation"); one heard
    through a rule of one part ("i broke my arm", a fracture not long healed) and a red flag
    keep the words, so the person hears what they said.
    """
    if len(match.parts) > 1 and match.kind != "red_flag" and match.label:
        return match.label
    said = match.said if len(match.said.split()) <= _MAX_QUOTE_WORDS else match.words
    return second_person(said)


def compose(decision: Decision) -> Reply:
    """Word ``decision`` for the ear."""
    rec = decision.recommendation
    ms = decision.matches
    if rec == "see_doctor" and decision.reason == "red_flag":
        return _red_flag(decision)
    if rec == "see_doctor":
        caution, wanted = ms[0], next((m for m in ms if m.kind == "concern"), None)
        explanation = (
            f"Because you mentioned {quote(caution)}, "
            "please ask a doctor before booking a massage. "
            "Massage can wait until a clinician says it is safe for you."
        )
        more = _CAUTION_MORE
        if wanted is not None:
            more = f"{_MASSAGE_WHY.get(wanted.name, _MASSAGE_WHY_DEFAULT)} {_CAUTION_MORE}"
        parts = [explanation]
        problem = next((m for m in ms if m.signal == "physiotherapy"), None)
        if problem is not None:
            # Asked for massage with a caution, and a problem physiotherapy fits: say both.
            parts.append(f"For {quote(problem)}, physiotherapy can help in the meantime.")
            more = f"{more} {_PHYSIO_MORE}"
        return Reply(explanation, " ".join([*parts, REMINDER]), more)
    if rec == "unclear":
        question = _question(decision)
        return Reply(question, question, _CHOICE_MORE)

    physio = [m for m in ms if m.kind == "concern" and m.signal == "physiotherapy"]
    massage = [m for m in ms if m.kind == "concern" and m.signal == "massage"]
    contra = [m for m in ms if m.kind == "contraindication"]
    if rec == "both":
        explanation = (
            f"Because you mentioned {quote(physio[0])}, physiotherapy is the main fit for that. "
            f"And because you mentioned {quote(massage[0])}, massage therapy can help alongside it."
        )
        return Reply(
            explanation, f"{explanation} {REMINDER}", f"{_PHYSIO_MORE} {_MASSAGE_MORE} {_BOTH_MORE}"
        )
    if rec == "massage_therapy":
        explanation = (
            f"Because you mentioned {quote(massage[0])}, massage therapy is a good fit. "
            f"{_MASSAGE_WHY.get(massage[0].name, _MASSAGE_WHY_DEFAULT)}"
        )
        return Reply(explanation, f"{explanation} {REMINDER}", _MASSAGE_MORE)
    explanation = (
        f"Because you mentioned {quote(physio[0])}, physiotherapy is the better fit. "
        f"{_PHYSIO_WHY.get(physio[0].name, _PHYSIO_WHY_DEFAULT)}"
    )
    parts = [explanation]
    more = _PHYSIO_MORE
    if contra:
        if decision.reason == "massage_held_back":
            heard = [m for m in decision.matches if m.signal == "massage"]
            label = heard[0].label if heard else "that"
            parts.append(
                f"Massage might help with {label} later, but because you mentioned "
                f"{quote(contra[0])}, ask a clinician first."
            )
        elif quote(contra[0]) == quote(physio[0]):
            parts.append("Massage should wait until a clinician says it is safe.")
        else:
            parts.append(
                f"Because you mentioned {quote(contra[0])}, ask a clinician before any massage."
            )
        more = f"{_PHYSIO_MORE} {_CAUTION_MORE}"
    parts.append(REMINDER)
    return Reply(explanation, " ".join(parts), more)


def _red_flag(decision: Decision) -> Reply:
    flag = decision.matches[0]
    sign = (
        f"You mentioned {quote(flag)}, which can be a sign of {flag.label or 'something serious'}."
    )
    return _see_doctor(decision.urgency, sign)


def answered_red_flag(signs: Sequence[str], meanings: Sequence[str], urgency: Urgency) -> Reply:
    """The reply to a yes to the safety check: the signs asked about, and what they can mean."""
    told = _either(list(dict.fromkeys(signs)))
    means = _either(list(dict.fromkeys(meanings)))  # each once, in the order asked
    return _see_doctor(urgency, f"{told[0].upper()}{told[1:]} can be a sign of {means}.")


def _either(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _see_doctor(urgency: Urgency | None, sign: str) -> Reply:
    if urgency == "emergency":
        explanation = f"{CALL_NOW} {sign}"
        after = (
            "Do not wait to see if it passes, and do not book physiotherapy or massage for this."
        )
    else:
        explanation = f"{SEE_TODAY} {sign}"
        after = "Physiotherapy or massage can wait until a doctor has checked it."
    return Reply(explanation, f"{explanation} {after} {REMINDER}", _DOCTOR_MORE)


def _question(decision: Decision) -> str:
    if decision.reason == "pain_without_cause":
        pain = decision.matches[0]
        return (
            f"You mentioned {quote(pain)}. Did it start with an injury, an operation or a "
            "diagnosed condition, or does it feel more like tight muscles and stress?"
        )
    if decision.reason == "caution_only":
        return f"Thanks for telling me about {decision.matches[0].label or 'that'}. {_ASK_KIND}"
    if decision.reason == "only_negated":
        return (
            "All right. So what is bothering you most, a physical problem like an injury "
            "or a condition, or stress and tight muscles?"
        )
    return f"Tell me a little more, please. {_ASK_KIND}"
