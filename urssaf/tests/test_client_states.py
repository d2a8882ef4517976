"""What happens next for a client, state by state (urssaf.catalogues)."""

import pytest

from urssaf import catalogues
from urssaf.catalogues import (
    CLIENT_NEXT_STEPS,
    CLIENT_STATES,
    PARTICULIER_STATES,
    client_next_step,
)

ENROL = catalogues.ACTION_ENROL
REFRESH = catalogues.ACTION_REFRESH
REENROL = catalogues.ACTION_REENROL


def test_every_state_has_a_next_step():
    assert set(CLIENT_NEXT_STEPS) == set(CLIENT_STATES)
    assert len({step.code for step in CLIENT_NEXT_STEPS.values()}) == len(CLIENT_STATES)
    assert set(PARTICULIER_STATES.values()) < set(CLIENT_STATES)
    for step in CLIENT_NEXT_STEPS.values():
        assert step.level in ("info", "success", "warning", "danger")
        assert set(step.actions) <= {ENROL, REFRESH, REENROL}


def test_lifecycle_order():
    assert CLIENT_STATES[:4] == ("not_enrolled", "waiting", "not_finalised", "active")
    assert CLIENT_STATES[-1] == "error"


@pytest.mark.parametrize(
    "state, kwargs, code, actions",
    [
        ("not_enrolled", {}, "enrol", (ENROL,)),
        ("not_enrolled", {"enrolment_refused": True}, "fix_and_enrol", (ENROL,)),
        ("waiting", {}, "client_activates", (REFRESH,)),
        ("waiting", {"activation_overdue": True}, "client_activates_late", (REFRESH,)),
        ("not_finalised", {}, "client_finishes", (REFRESH,)),
        ("active", {}, "send_invoices", ()),
        ("blocked", {}, "client_settles", (REFRESH,)),
        ("mandate_expired", {}, "client_renews_mandate", (REFRESH, REENROL)),
        ("error", {}, "reenrol", (REENROL, REFRESH)),
        ("something new", {}, "reenrol", (REENROL, REFRESH)),
    ],
)  # fmt: skip
def test_client_next_step(state, kwargs, code, actions):
    step = client_next_step(state, **kwargs)
    assert (step.code, step.actions) == (code, actions)
