"""What an invoice shows next, state by state (urssaf.catalogues)."""

import pytest

from urssaf import lifecycle
from urssaf.catalogues import (
    ACTION_CORRECT,
    ACTION_EXCLUDE,
    ACTION_REFRESH,
    ACTION_RESUME,
    ACTION_SEND,
    INVOICE_NEXT_STEPS,
    invoice_next_step,
)


def test_every_invoice_state_has_a_next_step():
    assert set(INVOICE_NEXT_STEPS) == set(lifecycle.STATES)
    for step in INVOICE_NEXT_STEPS.values():
        assert step.level in ("info", "success", "warning", "danger")


@pytest.mark.parametrize("state", sorted(lifecycle.NEEDS_HUMAN))
def test_no_dead_end_where_a_human_is_needed(state):
    # Every state that lands in "À traiter" offers a button.
    assert invoice_next_step(state).actions


def test_refused_and_cancelled_offer_correction_and_direct_billing():
    for state in ("refused", "cancelled"):
        assert invoice_next_step(state).actions == (ACTION_CORRECT, ACTION_EXCLUDE)
        assert lifecycle.can_exclude(state, True)
        assert lifecycle.can_correct(state)


def test_actions_agree_with_the_lifecycle():
    for state, step in INVOICE_NEXT_STEPS.items():
        if ACTION_SEND in step.actions:
            assert state in lifecycle.SENDABLE
        if ACTION_EXCLUDE in step.actions:
            assert state in lifecycle.EXCLUDABLE
        if ACTION_CORRECT in step.actions:
            assert state in lifecycle.CORRECTABLE
        if ACTION_REFRESH in step.actions:
            assert state not in lifecycle.FINAL


def test_special_cases():
    assert invoice_next_step("to_check", cancel_requested=True).code == (
        "cancellation_requested"
    )
    assert invoice_next_step("to_check", unknown_status=True).level == "danger"
    after_transfer = invoice_next_step("cancelled", transfer_booked=True)
    assert ACTION_CORRECT not in after_transfer.actions
    assert invoice_next_step("excluded").actions == (ACTION_RESUME,)
    assert invoice_next_step("excluded", resumable=False).actions == ()
    assert invoice_next_step("no such state") == INVOICE_NEXT_STEPS["error"]


def test_every_reason_has_advice_in_french():
    from urssaf.catalogues import REJECTION_REASONS, rejection_advice

    for code in REJECTION_REASONS:
        advice = rejection_advice(code)
        assert advice.endswith(".")
        assert " :" not in advice  # typography: a non-breaking space before ":"
    assert "déjà réglé" in rejection_advice("CONTEST_FACT_REGLEE")
    assert "rectifiée" in rejection_advice("REGUL_MNT_FACT")
    assert rejection_advice("SOMETHING_NEW") == rejection_advice("ANNUL_AUTRE")
