"""Reading Urssaf answers, errors and catalogues (no network)."""

import datetime
from decimal import Decimal

import pytest

from urssaf import catalogues, lifecycle
from urssaf.errors import ApiError, BusinessError, parse_errors
from urssaf.responses import (
    parse_activation,
    parse_api_date,
    parse_particulier_status,
    parse_search,
    parse_submission,
)


def test_catalogue_sizes():
    assert len(catalogues.NATURES) == 27
    assert set(catalogues.PAYMENT_STATUSES) >= {
        "10", "20", "30", "40", "50", "60", "70", "110", "111", "112", "120",
    }  # fmt: skip
    assert set(lifecycle.STATUS_STATES) <= set(catalogues.PAYMENT_STATUSES) | {"113"}
    assert {c.split("_")[0] for c in catalogues.REJECTION_REASONS} == {
        "REGUL",
        "CONTEST",
        "ANNUL",
    }
    assert set(catalogues.PARTICULIER_STATUSES) == set(catalogues.PARTICULIER_STATES)


def test_unknown_codes_are_kept_raw():
    assert catalogues.payment_status_label("999") == "Statut Urssaf inconnu (999)"
    assert lifecycle.state_for_status("999") == "to_check"
    assert lifecycle.state_for_status(None) == "to_check"
    assert "ZZZ" in catalogues.rejection_label("ZZZ")
    assert catalogues.particulier_state("NOUVEAU") == "error"
    info = catalogues.error_info("ERR_NOUVEAU", "Message Urssaf")
    assert "Message Urssaf" in info.explanation
    assert "ERR_NOUVEAU" in info.explanation


@pytest.mark.parametrize(
    "payload,codes",
    [
        (None, []),
        ("", []),
        ([], []),
        ([{"code": "A", "message": "m", "description": "d"}], ["A"]),
        ({"code": "B", "message": "m"}, ["B"]),
        ({"errors": [{"code": "C"}]}, ["C"]),
        ({"Errors": [{"code": "D"}]}, ["D"]),
        ("<html>oops</html>", ["INCONNUE"]),
        ([42], ["INCONNUE"]),
        ({"foo": "bar"}, ["INCONNUE"]),
    ],
)
def test_parse_errors_is_defensive(payload, codes):
    assert [e.code for e in parse_errors(payload)] == codes


def test_validation_error_names_field_and_explains():
    error = ApiError(
        "ERREUR_VALIDATION", "champ adressePostale.libelleVoie : taille maximale 28"
    )
    assert error.api_field == "adressePostale.libelleVoie"
    assert "taille maximale 28" in error.explain()
    assert ApiError("ERR_MANDAT_ECHU").field == "partner"
    assert "renouveler" in ApiError("ERR_MANDAT_ECHU").explain()


def test_empty_business_error_still_explains():
    error = BusinessError([], http_status=400)
    assert error.codes == ["INCONNUE"]
    assert error.explain()


def test_parse_submission_matches_by_invoice_number():
    items = parse_submission(
        [
            {
                "idClient": "c",
                "idDemandePaiement": "dp1",
                "numFactureTiers": "F1",
                "statut": "10",
            },
            {"numFactureTiers": "F2", "errors": [{"code": "ERR_FACTURE_DOUBLON"}]},
            {"numFactureTiers": "F3", "statut": "ERR_X"},
            "junk",
        ]
    )
    assert items["F1"].accepted and items["F1"].request_id == "dp1"
    assert not items["F2"].accepted
    assert [e.code for e in items["F2"].errors] == ["ERR_FACTURE_DOUBLON"]
    assert not items["F3"].accepted and items["F3"].errors
    assert parse_submission("not a list") == {}


def test_parse_search_full_item():
    body = {
        "infoDemandePaiements": [
            {
                "idDemandePaiement": "dp1",
                "demandePaiement": {
                    "numFactureTiers": "F1",
                    "idClient": "c1",
                    "mntFactureTTC": 264.0,
                },
                "statut": {"code": "70", "libelle": "Payée"},
                "infoVirement": {
                    "mntVirement": 264.0,
                    "dateVirement": "2026-03-10T00:00:00Z",
                },
            },
            {
                "idDemandePaiement": "dp2",
                "statut": {"code": "40"},
                "infoRejet": {"code": "CONTEST_ERR_FACT", "commentaire": "Erreur"},
            },
            {"idDemandePaiement": "dp3", "statut": {"code": "777"}},
            {"statut": {"code": "10"}},
        ]
    }
    paid, refused, unknown = parse_search(body)
    assert paid.state == "paid"
    assert paid.total_ttc == Decimal("264.0")
    assert paid.transfer_amount == Decimal("264.0")
    assert paid.transfer_date == datetime.date(2026, 3, 10)
    assert refused.state == "refused"
    assert refused.status_label == "Refusée par le client"
    assert refused.rejection_label.startswith("Contestation")
    assert refused.rejection_comment == "Erreur"
    assert unknown.state == "to_check"
    assert "777" in unknown.status_label
    assert parse_search({}) == []
    assert parse_search(None) == []


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "possible à partir du 27/11/2026 10:15:00",
            datetime.datetime(2026, 11, 27, 10, 15),
        ),
        ("depuis le 02/03/2026 9:05", datetime.datetime(2026, 3, 2, 9, 5)),
        ("le 02/03/2026", datetime.datetime(2026, 3, 2)),
        ("le 31/02/2026", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_activation(text, expected):
    assert parse_activation(text) == expected


def test_parse_particulier_status():
    status = parse_particulier_status(
        {
            "idClient": "x",
            "statut": {
                "code": "APPAREILLAGE_VALIDE",
                "description": "Valide à partir du 01/02/2026 08:00:00",
                "etat": "OK",
            },
        }
    )
    assert status.state == "active" and status.ok
    assert status.activation == datetime.datetime(2026, 2, 1, 8, 0)
    # Paris wall-clock time: winter is UTC+1, summer UTC+2.
    assert status.activation_utc == datetime.datetime(2026, 2, 1, 7, 0)
    summer = parse_particulier_status(
        {"statut": {"code": "APPAREILLAGE_VALIDE", "description": "01/07/2026 08:00"}}
    )
    assert summer.activation_utc == datetime.datetime(2026, 7, 1, 6, 0)
    blocked = parse_particulier_status(
        {"statut": {"code": "PARTICULIER_BLOQUE", "etat": "KO"}}
    )
    assert blocked.state == "blocked" and not blocked.ok
    assert blocked.activation is None and blocked.activation_utc is None
    assert parse_particulier_status("junk").state == "error"


def test_parse_api_date():
    assert parse_api_date("2026-03-01T00:00:00Z") == datetime.date(2026, 3, 1)
    assert parse_api_date("2026-13-01T00:00:00Z") is None
    assert parse_api_date(None) is None
