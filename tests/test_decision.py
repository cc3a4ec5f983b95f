"""The decision rules, on matches built by hand (no lexicon, no text)."""

from __future__ import annotations

from dataclasses import replace

from assistant.core.decision import decide
from intents.models import Kind, Match, Signal, Urgency


def m(
    name: str,
    kind: Kind = "concern",
    signal: Signal | None = None,
    *,
    start: int = 0,
    urgency: Urgency | None = None,
    negated: bool = False,
    local: bool = False,
    site: str = "",
) -> Match:
    return Match(
        name=name,
        kind=kind,
        words=name,
        start=start,
        end=start + 1,
        urgency=urgency,
        negated=negated,
        signal=signal,
        part_of_condition=local,
        said=name,
        site=site,
    )


INJURY = m("injury", signal="physiotherapy", start=0)
SURGERY = m("surgery", signal="physiotherapy", start=1)
STRESS = m("stress", signal="massage", start=2)
TENSION = m("muscle_tension", signal="massage", start=3, local=True)
PAIN = m("pain", signal="neutral", start=4)
FEVER = m("fever", kind="contraindication", start=5)
CHEST = m("heart_attack", kind="red_flag", start=6, urgency="emergency")
CLOT = m("deep_vein_thrombosis", kind="red_flag", start=0, urgency="urgent")


def test_nothing_heard_is_unclear() -> None:
    d = decide([])
    assert (d.recommendation, d.urgency, d.reason, d.concerns) == ("unclear", None, "nothing", ())


def test_a_red_flag_wins_over_everything() -> None:
    d = decide([INJURY, STRESS, FEVER, CHEST])
    assert (d.recommendation, d.urgency, d.red_flags) == (
        "see_doctor",
        "emergency",
        ("heart_attack",),
    )
    assert d.concerns == ("injury", "stress")
    assert d.matches == (CHEST,)


def test_the_most_urgent_flag_leads() -> None:
    d = decide([CLOT, CHEST])
    assert d.urgency == "emergency"
    assert d.red_flags == ("heart_attack", "deep_vein_thrombosis")


def test_a_negated_red_flag_is_not_a_red_flag() -> None:
    d = decide([m("heart_attack", "red_flag", urgency="emergency", negated=True), INJURY])
    assert d.recommendation == "physiotherapy"
    assert [x.name for x in d.negated] == ["heart_attack"]


def test_physiotherapy_signals_alone() -> None:
    d = decide([INJURY, SURGERY])
    assert (d.recommendation, d.reason) == ("physiotherapy", "physiotherapy")
    assert [x.name for x in d.matches] == ["injury", "surgery"]


def test_massage_signals_alone() -> None:
    assert decide([STRESS, TENSION]).recommendation == "massage_therapy"


def test_both_kinds_give_both() -> None:
    d = decide([SURGERY, STRESS])
    assert (d.recommendation, d.reason) == ("both", "both")
    assert [x.name for x in d.matches] == ["surgery", "stress"]


def test_local_tightness_with_a_condition_is_part_of_it() -> None:
    assert decide([INJURY, TENSION]).recommendation == "physiotherapy"


def test_tightness_at_the_site_of_the_condition_is_part_of_it() -> None:
    knee = m("chronic_pain", signal="physiotherapy", site="knee")
    tight_knee = m("muscle_tension", signal="massage", start=3, local=True, site="knee")
    assert decide([knee, tight_knee]).recommendation == "physiotherapy"


def test_tightness_elsewhere_than_the_condition_is_tension_of_its_own() -> None:
    knee = m("chronic_pain", signal="physiotherapy", site="knee")
    shoulders = m("muscle_tension", signal="massage", start=3, local=True, site="shoulder")
    d = decide([knee, shoulders])
    assert (d.recommendation, [x.name for x in d.matches]) == (
        "both",
        ["chronic_pain", "muscle_tension"],
    )
    # A condition said of no body part may be anywhere: the tightness stays part of it.
    assert decide([INJURY, shoulders]).recommendation == "physiotherapy"


def test_a_caution_with_a_physio_signal_keeps_physiotherapy_and_holds_massage_back() -> None:
    d = decide([SURGERY, STRESS, FEVER])
    assert (d.recommendation, d.reason, d.contraindications) == (
        "physiotherapy",
        "massage_held_back",
        ("fever",),
    )
    assert FEVER in d.matches


def test_massage_asked_for_with_a_caution_sends_to_a_doctor_even_beside_a_physio_signal() -> None:
    asked = replace(m("massage_request", signal="massage", start=3), requests_massage=True)
    d = decide([SURGERY, asked, FEVER])
    assert (d.recommendation, d.urgency, d.reason) == ("see_doctor", None, "ask_clinician_first")
    assert [x.name for x in d.matches] == ["fever", "massage_request", "surgery"]
    # Without the caution, the massage asked for sits beside physiotherapy.
    assert decide([SURGERY, asked]).recommendation == "both"


def test_a_caution_with_only_massage_signals_sends_to_a_doctor_without_urgency() -> None:
    d = decide([STRESS, FEVER])
    assert (d.recommendation, d.urgency, d.reason) == ("see_doctor", None, "ask_clinician_first")
    assert d.red_flags == ()


def test_pain_without_a_cause_asks() -> None:
    d = decide([PAIN])
    assert (d.recommendation, d.reason, d.concerns) == ("unclear", "pain_without_cause", ("pain",))


def test_pain_with_a_cause_follows_the_cause() -> None:
    assert decide([PAIN, INJURY]).recommendation == "physiotherapy"
    assert decide([PAIN, STRESS]).recommendation == "massage_therapy"


def test_only_a_caution_asks() -> None:
    assert decide([FEVER]).reason == "caution_only"


def test_everything_negated_asks_and_says_so() -> None:
    d = decide([m("injury", signal="physiotherapy", negated=True)])
    assert (d.recommendation, d.reason, d.concerns) == ("unclear", "only_negated", ())


def test_order_of_matches_given_does_not_matter() -> None:
    assert decide([STRESS, SURGERY]) == decide([SURGERY, STRESS])
