"""The simulated-patient scenarios (support/patients.py) agree with the corpora and the lexicon."""

from __future__ import annotations

from assistant.core.dialogue import CHOICES
from support.patients import scenarios


def test_every_patient_item_is_a_scenario_with_its_advice() -> None:
    patients = scenarios()
    assert len({p.name for p in patients}) == len(patients) > 100
    kinds = {words[0] for words, _ in CHOICES}
    for patient in patients:
        assert patient.kind in kinds and patient.clarifying and patient.description
        if patient.red_flag:
            assert patient.advice == ("see_doctor",) and patient.urgency is not None
        else:
            assert patient.urgency is None and "see_doctor" not in patient.advice
    assert sum(p.red_flag for p in patients) >= 20
