"""The HTTP client against the local sandbox, over real HTTP."""

import datetime
import logging
import random
import string
import uuid

import pytest

from urssaf.client import (
    PRODUCTION_URL,
    SANDBOX_URL,
    TokenCache,
    UrssafClient,
    gateway_url,
)
from urssaf.errors import (
    AuthenticationError,
    BusinessError,
    ConfigurationError,
    MaybeReceivedError,
    NotReceivedError,
    UnavailableError,
)
from urssaf.responses import parse_particulier_status, parse_search, parse_submission
from urssaf.sandbox import samples

IBAN = "FR7630006000011234567890189"


FAR_FUTURE = datetime.date(2053, 1, 1)


def _last_month():
    first_of_month = datetime.date.today().replace(day=1)
    end = first_of_month - datetime.timedelta(days=1)
    return end.replace(day=1), end


def payment_request(id_client, number=None):
    """A valid request for the last day of last month (after the activation)."""
    _start, end = _last_month()
    return samples.demande(id_client, number or f"FAC/{uuid.uuid4().hex[:8]}", end)


def particulier(**changes):
    """A valid particulier with unique first names (one identity per test)."""
    data = samples.particulier()
    data["prenoms"] = "Jeanne " + "".join(random.choices(string.ascii_uppercase, k=8))
    data.update(changes)
    return data


@pytest.fixture
def client(sandbox):
    with UrssafClient(
        sandbox.url,
        sandbox.client_id,
        sandbox.client_secret,
        token_cache=TokenCache(),
        read_timeout=2,
    ) as urssaf:
        yield urssaf


@pytest.fixture
def active_client_id(sandbox, client):
    id_client = client.register_particulier(particulier())
    start, _end = _last_month()
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": f"{start.isoformat()}T00:00:00Z"},
    )
    return id_client


def calls(sandbox, operation=None):
    log = sandbox.control("GET", "/_sandbox/calls")
    return [c for c in log if operation is None or c["operation"] == operation]


def test_configuration_required():
    with pytest.raises(ConfigurationError):
        UrssafClient("", "id", "secret")
    with pytest.raises(ConfigurationError):
        UrssafClient("http://127.0.0.1:1", "id", "")


def test_token_is_cached_between_calls(sandbox, client):
    client.register_particulier(particulier())
    client.search_payment_requests(date_start=FAR_FUTURE)
    assert len(calls(sandbox, "token")) == 1


def test_token_cache_honours_expiry():
    cache = TokenCache(margin=60)
    cache.put(("u", "c"), "tok", 0)
    assert cache.get(("u", "c")) is None
    cache.put(("u", "c"), "tok", 3600)
    assert cache.get(("u", "c")) == "tok"
    cache.drop(("u", "c"), "other")
    assert cache.get(("u", "c")) == "tok"
    cache.drop(("u", "c"), "tok")
    assert cache.get(("u", "c")) is None


def test_expired_token_is_renewed_once(sandbox, client):
    client.get_token()
    sandbox.control(
        "POST", "/_sandbox/faults", json={"operation": "*", "kind": "expire_token"}
    )
    result = client.search_payment_requests(date_start=FAR_FUTURE)
    assert result["infoDemandePaiements"] == []
    assert len(calls(sandbox, "token")) == 2


def test_wrong_secret_is_an_authentication_error(sandbox):
    with UrssafClient(
        sandbox.url, sandbox.client_id, "nope", token_cache=TokenCache()
    ) as bad:
        with pytest.raises(AuthenticationError) as info:
            bad.search_payment_requests(date_start=FAR_FUTURE)
    assert not info.value.maybe_received


def test_register_and_status(sandbox, client):
    id_client = client.register_particulier(particulier())
    status = parse_particulier_status(client.get_particulier_status(id_client))
    assert status.code == "APPAREILLAGE_EC"
    assert status.state == "waiting"
    assert not status.ok
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": "2026-03-02T09:30:00Z"},
    )
    status = parse_particulier_status(client.get_particulier_status(id_client))
    assert status.state == "active"
    assert status.ok
    assert status.activation is not None
    assert status.activation.date() == datetime.date(2026, 3, 2)


def test_register_business_error(client):
    payload = particulier()
    payload["coordonneeBancaire"] = dict(
        payload["coordonneeBancaire"], iban="FR7630006000011234567890188"
    )
    with pytest.raises(BusinessError) as info:
        client.register_particulier(payload)
    assert info.value.codes == ["ERR_COORDONNEES_BANCAIRES"]
    assert info.value.http_status == 400
    assert not info.value.maybe_received
    assert "IBAN" in info.value.explain()


def test_register_validation_error_names_the_field(client):
    payload = particulier(numeroTelephonePortable="0123456789")
    with pytest.raises(BusinessError) as info:
        client.register_particulier(payload)
    error = info.value.errors[0]
    assert error.code == "ERREUR_VALIDATION"
    assert "numeroTelephonePortable" in error.api_field


def test_submit_and_search(client, active_client_id):
    first = payment_request(active_client_id)
    second = payment_request(active_client_id)
    second["inputPrestations"][0]["codeNature"] = "999"
    items = parse_submission(client.submit_payment_requests([first, second]))
    accepted = items[first["numFactureTiers"]]
    refused = items[second["numFactureTiers"]]
    assert accepted.accepted and accepted.status == "10" and accepted.request_id
    assert not refused.accepted
    assert [e.code for e in refused.errors] == ["ERR_CODE_NATURE"]

    found = parse_search(client.search_payment_requests(ids=[accepted.request_id]))
    assert [f.request_id for f in found] == [accepted.request_id]
    assert found[0].invoice_number == first["numFactureTiers"]
    assert found[0].status_code == "10"

    by_number = parse_search(
        client.search_payment_requests(invoice_numbers=[first["numFactureTiers"]])
    )
    assert [f.request_id for f in by_number] == [accepted.request_id]


def test_duplicate_invoice_number_is_refused(client, active_client_id):
    request = payment_request(active_client_id)
    client.submit_payment_requests([request])
    items = parse_submission(client.submit_payment_requests([request]))
    assert [e.code for e in items[request["numFactureTiers"]].errors] == [
        "ERR_FACTURE_DOUBLON"
    ]


def test_search_nothing_found_is_empty(client):
    assert client.search_payment_requests(ids=["does-not-exist"]) == {
        "infoDemandePaiements": [],
        "errors": [],
    }


def test_limits_are_enforced_before_sending(client):
    with pytest.raises(ValueError):
        client.submit_payment_requests([])
    with pytest.raises(ValueError):
        client.submit_payment_requests([{}] * 11)
    with pytest.raises(ValueError):
        client.search_payment_requests(ids=[str(i) for i in range(11)])
    with pytest.raises(ValueError):
        client.search_payment_requests()
    assert client.http_calls == 0


def test_unreachable_is_not_received():
    with UrssafClient(
        "http://127.0.0.1:9", "id", "secret", token_cache=TokenCache()
    ) as offline:
        with pytest.raises(NotReceivedError) as info:
            offline.submit_payment_requests([{}])
    assert not info.value.maybe_received


def test_read_timeout_on_submit_is_maybe_received(sandbox, client, active_client_id):
    client.get_token()
    sandbox.control(
        "POST",
        "/_sandbox/faults",
        json={"operation": "submit", "kind": "latency", "seconds": 3},
    )
    request = payment_request(active_client_id)
    with pytest.raises(MaybeReceivedError):
        client.submit_payment_requests([request])


def test_connection_dropped_after_commit_is_maybe_received(
    sandbox, client, active_client_id
):
    client.get_token()
    sandbox.control(
        "POST",
        "/_sandbox/faults",
        json={"operation": "submit", "kind": "drop_after_commit"},
    )
    request = payment_request(active_client_id)
    with pytest.raises(MaybeReceivedError):
        client.submit_payment_requests([request])
    # Urssaf did record it: a search by invoice number finds it.
    found = parse_search(
        client.search_payment_requests(invoice_numbers=[request["numFactureTiers"]])
    )
    assert len(found) == 1


@pytest.mark.parametrize(
    "operation,kind,maybe",
    [
        ("submit", "http_500", True),
        ("submit", "http_503", True),
        ("search", "http_500", False),
        ("search", "http_503", False),
    ],
)
def test_server_errors(sandbox, client, active_client_id, operation, kind, maybe):
    client.get_token()
    sandbox.control(
        "POST", "/_sandbox/faults", json={"operation": operation, "kind": kind}
    )
    with pytest.raises(UnavailableError) as info:
        if operation == "submit":
            client.submit_payment_requests([payment_request(active_client_id)])
        else:
            client.search_payment_requests(date_start=FAR_FUTURE)
    assert info.value.maybe_received is maybe
    assert info.value.http_status in (500, 503)


def test_malformed_answer_is_maybe_received(sandbox, client, active_client_id):
    client.get_token()
    sandbox.control(
        "POST", "/_sandbox/faults", json={"operation": "submit", "kind": "malformed"}
    )
    with pytest.raises(MaybeReceivedError):
        client.submit_payment_requests([payment_request(active_client_id)])


def test_token_failure_never_counts_as_sent(sandbox, client, active_client_id):
    client.token_cache.clear()
    sandbox.control(
        "POST", "/_sandbox/faults", json={"operation": "token", "kind": "http_503"}
    )
    with pytest.raises(NotReceivedError):
        client.submit_payment_requests([payment_request(active_client_id)])
    assert calls(sandbox, "submit") == []


def test_logs_hold_no_secret_nor_personal_data(sandbox, client, caplog):
    caplog.set_level(logging.DEBUG)
    payload = particulier()
    id_client = client.register_particulier(payload)
    client.get_particulier_status(id_client)
    token = client.get_token()
    text = caplog.text
    assert "HTTP 200" in text
    for secret in (sandbox.client_secret, token, IBAN, "1980-03-29", "Durand"):
        assert secret not in text


def test_exchanges_are_recorded_without_personal_data(sandbox, client):
    recorded = []
    client.on_exchange = recorded.append
    payload = particulier()
    payload["coordonneeBancaire"] = dict(
        payload["coordonneeBancaire"], iban="FR7630006000011234567890188"
    )
    with pytest.raises(BusinessError):
        client.register_particulier(payload)
    token, register = recorded
    assert (token.operation, token.http_status, token.outcome) == (
        "token",
        200,
        "answered",
    )
    assert register.operation == "register"
    assert register.http_status == 400
    assert register.codes == ["ERR_COORDONNEES_BANCAIRES"]
    assert register.correlation_id
    with pytest.raises(BusinessError):
        client.get_particulier_status("00000000-0000-4000-8000-000000000000")
    assert [e.operation for e in recorded[2:]] == ["status"], "one report per call"
    text = repr([token, register])
    assert IBAN[:10] not in text and "Durand" not in text


def test_exchange_of_an_unreachable_gateway():
    recorded = []
    with UrssafClient(
        "http://127.0.0.1:9",
        "id",
        "secret",
        token_cache=TokenCache(),
        on_exchange=recorded.append,
    ) as offline:
        with pytest.raises(NotReceivedError):
            offline.get_token()
    (exchange,) = recorded
    assert exchange.outcome == "not_received"
    assert exchange.http_status is None


def test_gateway_url():
    assert gateway_url("production") == PRODUCTION_URL == "https://api.urssaf.fr"
    assert gateway_url("sandbox") == SANDBOX_URL == "https://api-edi.urssaf.fr"
    assert gateway_url("custom", " http://127.0.0.1:8099/ ") == "http://127.0.0.1:8099"
    assert gateway_url("custom") == ""
    # Never production by accident.
    assert gateway_url(None) == gateway_url("garbage") == SANDBOX_URL
