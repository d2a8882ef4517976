"""The sandbox over real HTTP (requests against a running server, no mocks)."""

import base64
import datetime
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from urssaf.sandbox import SandboxControlError, samples

SCOPE = "homeplus.tiersprestations"
TOKEN_PATH = "/api/oauth/v1/token"
API = "/atp/v1/tiersPrestations"
HOUR = 3600
DAY = 24 * HOUR


class Api:
    """Minimal authenticated client used by these tests."""

    def __init__(self, sandbox):
        self.sandbox = sandbox
        self.session = requests.Session()
        self.token = None
        self.refresh()

    def refresh(self):
        response = self.session.post(
            self.sandbox.url + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "scope": SCOPE,
                "client_id": self.sandbox.client_id,
                "client_secret": self.sandbox.client_secret,
            },
            timeout=10,
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def post(self, path, body, **kwargs):
        return self.session.post(
            self.sandbox.url + API + path,
            json=body,
            headers=self.headers(),
            timeout=10,
            **kwargs,
        )

    def get(self, path, params):
        return self.session.get(
            self.sandbox.url + API + path,
            params=params,
            headers=self.headers(),
            timeout=10,
        )

    def register(self, **overrides):
        response = self.post("/particulier", samples.particulier(**overrides))
        assert response.status_code == 200, response.text
        return response.json()["idClient"]

    def submit(self, *demandes):
        response = self.post("/demandePaiement", list(demandes))
        assert response.status_code == 200, response.text
        return response.json()

    def search(self, criteria):
        return self.post("/demandePaiement/rechercher", criteria)

    def status_of(self, id_demande):
        response = self.search({"idDemandePaiements": [id_demande]})
        assert response.status_code == 200, response.text
        return response.json()["infoDemandePaiements"][0]


def codes(errors):
    return [error["code"] for error in errors]


def sandbox_today(sandbox):
    now = sandbox.control("GET", "/_sandbox/clock")["now"]
    return datetime.date.fromisoformat(now[:10])


def last_month(sandbox):
    first = sandbox_today(sandbox).replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)


@pytest.fixture
def api(sandbox):
    client = Api(sandbox)
    yield client
    client.session.close()


@pytest.fixture
def active(sandbox, api):
    """An idClient whose link is active since the first day of last month."""
    id_client = api.register()
    start = last_month(sandbox)
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": f"{start.isoformat()}T00:00:00Z"},
    )
    return id_client


def demande(sandbox, id_client, number, day=None, **overrides):
    day = day or last_month(sandbox) + datetime.timedelta(days=9)
    return samples.demande(id_client, number, day, **overrides)


def accepted(sandbox, api, id_client, number="F-1", **overrides):
    answer = api.submit(demande(sandbox, id_client, number, **overrides))[0]
    assert answer["errors"] == [], answer
    return answer["idDemandePaiement"]


# --- tokens ---


def test_token_with_form_body(sandbox):
    response = requests.post(
        sandbox.url + TOKEN_PATH,
        data={
            "grant_type": "client_credentials",
            "scope": SCOPE,
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
        },
        timeout=10,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == SCOPE
    assert body["access_token"]
    assert re.fullmatch(r"[0-9a-f-]{36}", response.headers["x-correlationid"])


def test_token_with_basic_auth(sandbox):
    response = requests.post(
        sandbox.url + TOKEN_PATH,
        data={"grant_type": "client_credentials", "scope": SCOPE},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize("style", ["form", "basic"])
def test_token_wrong_credentials(sandbox, style):
    data = {"grant_type": "client_credentials", "scope": SCOPE}
    auth = None
    if style == "form":
        data.update(client_id=sandbox.client_id, client_secret="wrong")
    else:
        auth = (sandbox.client_id, "wrong")
    response = requests.post(sandbox.url + TOKEN_PATH, data=data, auth=auth, timeout=10)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


def test_token_wrong_grant_and_scope(sandbox):
    credentials = {
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
    }
    response = requests.post(
        sandbox.url + TOKEN_PATH,
        data={"grant_type": "password", **credentials},
        timeout=10,
    )
    assert response.status_code == 400
    response = requests.post(
        sandbox.url + TOKEN_PATH,
        data={"grant_type": "client_credentials", "scope": "other", **credentials},
        timeout=10,
    )
    assert response.json() == {"error": "invalid_scope"}


def test_api_needs_a_valid_bearer(sandbox):
    url = sandbox.url + API + "/particulier"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        response = requests.post(
            url, json=samples.particulier(), headers=headers, timeout=10
        )
        assert response.status_code == 401
        assert response.headers["x-correlationid"]
    assert sandbox.control("GET", "/_sandbox/particulier") == []


def test_token_expires_after_ttl(sandbox_factory):
    sandbox = sandbox_factory(token_ttl=1)
    api = Api(sandbox)
    assert api.get("/particulier", {"idClient": "x"}).status_code == 400
    time.sleep(1.2)
    assert api.get("/particulier", {"idClient": "x"}).status_code == 401
    api.refresh()
    assert api.get("/particulier", {"idClient": "x"}).status_code == 400


# --- particulier ---


def test_register_and_status(sandbox, api):
    id_client = api.register()
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", id_client
    )
    response = api.get("/particulier", {"idClient": id_client})
    assert response.status_code == 200
    body = response.json()
    assert body["idClient"] == id_client
    assert body["nomNaissance"] == "Durand"
    assert body["nomUsage"] == "Martin"
    assert body["prenoms"] == "Jeanne Marie"
    assert body["statut"]["code"] == "APPAREILLAGE_EC"
    assert body["statut"]["etat"] == "KO"
    # by e-mail too, and a mismatching e-mail finds nothing
    by_mail = api.get("/particulier", {"adresseMail": "jeanne.martin@example.fr"})
    assert by_mail.json()["idClient"] == id_client
    wrong = api.get("/particulier", {"idClient": id_client, "adresseMail": "a@b.fr"})
    assert codes(wrong.json()) == ["ERR_RECHERCHE_PARTICULIER"]


def test_status_unknown_particulier(api):
    response = api.get("/particulier", {"idClient": "00000000-0000-4000-8000-0000"})
    assert response.status_code == 400
    assert codes(response.json()) == ["ERR_RECHERCHE_PARTICULIER"]
    assert api.get("/particulier", {}).status_code == 400


def test_activation_via_control_api(sandbox, api):
    id_client = api.register()
    view = sandbox.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": "2026-11-20T10:15:00Z"},
    )
    assert view["statut"]["code"] == "APPAREILLAGE_VALIDE"
    status = api.get("/particulier", {"idClient": id_client}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_VALIDE"
    assert status["etat"] == "OK"
    # French wall-clock time: 10:15 UTC is 11:15 in Paris in November.
    assert status["description"] == (
        "Appareillage validé, transmission des demandes de paiement possible à "
        "partir du 20/11/2026 11:15:00"
    )


def test_activation_without_body_and_in_the_future(sandbox, api):
    id_client = api.register()
    view = sandbox.control("POST", f"/_sandbox/particulier/{id_client}/activate")
    assert view["statut"]["code"] == "APPAREILLAGE_VALIDE"
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": "2999-01-01T00:00:00Z"},
    )
    status = api.get("/particulier", {"idClient": id_client}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_EC"


@pytest.mark.parametrize(
    "code", ["PARTICULIER_BLOQUE", "MANDAT_ECHU", "APPAREILLAGE_NF"]
)
def test_particulier_statuses(sandbox, api, active, code):
    sandbox.control(
        "POST", f"/_sandbox/particulier/{active}/status", json={"code": code}
    )
    status = api.get("/particulier", {"idClient": active}).json()["statut"]
    assert status["code"] == code
    assert status["etat"] == "KO"
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{active}/status",
        json={"code": "APPAREILLAGE_VALIDE"},
    )
    status = api.get("/particulier", {"idClient": active}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_VALIDE"


def test_activation_delay(sandbox_factory):
    sandbox = sandbox_factory(activation_delay=600)
    api = Api(sandbox)
    id_client = api.register()
    status = api.get("/particulier", {"idClient": id_client}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_EC"
    sandbox.control("POST", "/_sandbox/clock", json={"advance": 601})
    status = api.get("/particulier", {"idClient": id_client}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_VALIDE"


def test_register_validation_error_shape(api):
    body = samples.particulier(civilite="M")
    del body["adresseMail"]
    response = api.post("/particulier", body)
    assert response.status_code == 400
    errors = response.json()
    assert {error["code"] for error in errors} == {"ERREUR_VALIDATION"}
    messages = sorted(error["message"] for error in errors)
    assert messages[0].startswith("champ adresseMail : ")
    assert messages[1].startswith("champ civilite : ")
    assert all(set(error) == {"code", "message", "description"} for error in errors)


def _france(**place):
    return {"codePaysNaissance": "99100", **place}


LYON = {"codeCommune": "123", "libelleCommune": "Lyon"}
ADDRESS = samples.particulier()["adressePostale"]


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"dateNaissance": "2999-01-01T00:00:00Z"}, "ERR_DATE_NAISSANCE_FUTUR"),
        (
            {"lieuNaissance": _france(communeNaissance=LYON)},
            "ERREUR_LIEU_NAISSANCE_DEPT",
        ),
        (
            {"lieuNaissance": _france(departementNaissance="069")},
            "ERR_LIEU_NAISSANCE_COMN",
        ),
        (
            {
                "lieuNaissance": _france(
                    departementNaissance="069", communeNaissance={"codeCommune": "123"}
                )
            },
            "ERR_LIEU_NAISSANCE_OBLIGATOIRE",
        ),
        (
            {
                "lieuNaissance": {
                    "codePaysNaissance": "99134",
                    "departementNaissance": "069",
                }
            },
            "ERREUR_LIEU_NAISSANCE_PAYS",
        ),
        (
            {"adressePostale": {**ADDRESS, "lettreVoie": "Z"}},
            "ERR_CONTACT_ADRESSE_LETTRE_VOIE",
        ),
        (
            {"adressePostale": {**ADDRESS, "codeTypeVoie": "ZZZ"}},
            "ERR_CONTACT_ADRESSE_TYPE_VOIE",
        ),
        (
            {"adressePostale": {**ADDRESS, "codeTypeVoie": ""}},
            "ERR_CONTACT_ADRESSE_TYPEVOIE",
        ),
        (
            {"adressePostale": {**ADDRESS, "libelleVoie": ""}},
            "ERR_CONTACT_ADRESSE_LIBELLEVOIE",
        ),
        (
            {
                "adressePostale": {
                    key: value
                    for key, value in ADDRESS.items()
                    if key not in ("codeTypeVoie", "libelleVoie")
                }
            },
            "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE",
        ),
        (
            {
                "coordonneeBancaire": {
                    "bic": "BNAPFRPPXXX",
                    "iban": "FR7630006000011234567890188",
                    "titulaire": "Mme Jeanne Martin",
                }
            },
            "ERR_COORDONNEES_BANCAIRES",
        ),
    ],
)
def test_register_business_rules(sandbox, api, overrides, code):
    response = api.post("/particulier", samples.particulier(**overrides))
    assert response.status_code == 400, response.text
    assert code in codes(response.json())
    assert sandbox.control("GET", "/_sandbox/particulier") == []


def test_register_abroad_and_lieu_dit_only(api):
    address = {
        key: value
        for key, value in ADDRESS.items()
        if key not in ("codeTypeVoie", "libelleVoie", "lettreVoie", "numeroVoie")
    }
    api.register(
        lieuNaissance={"codePaysNaissance": "99134"},
        adressePostale={**address, "lieuDit": "Le Beyssat"},
    )


def test_register_same_identity_twice(api):
    api.register()
    response = api.post(
        "/particulier", samples.particulier(prenoms="jeanne  marie".replace("  ", " "))
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE"]
    api.register(prenoms="Jeanne")  # another identity is fine


def test_wrong_content_type_and_bad_json(sandbox, api):
    url = sandbox.url + API + "/particulier"
    response = requests.post(
        url,
        data="civilite=1",
        headers={**api.headers(), "Content-Type": "text/plain"},
        timeout=10,
    )
    assert response.status_code == 415
    assert codes(response.json()) == ["ERREUR_VALIDATION"]
    response = requests.post(
        url,
        data="{not json",
        headers={**api.headers(), "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert codes(response.json()) == ["ERREUR_VALIDATION"]


def test_unknown_route(sandbox, api):
    response = api.post("/nope", {})
    assert response.status_code == 404
    assert response.headers["x-correlationid"]


# --- payment requests ---


def test_submit_happy_path(sandbox, api, active):
    answers = api.submit(demande(sandbox, active, "FAC/2025/00042"))
    assert answers == [
        {
            "idClient": active,
            "numFactureTiers": "FAC/2025/00042",
            "idDemandePaiement": answers[0]["idDemandePaiement"],
            "statut": "10",
            "errors": [],
        }
    ]
    stored = sandbox.control("GET", "/_sandbox/demandePaiement")
    assert [item["numFactureTiers"] for item in stored] == ["FAC/2025/00042"]
    assert stored[0]["statut"]["code"] == "10"


def test_submit_items_are_independent_and_ordered(sandbox, api, active):
    answers = api.submit(
        demande(sandbox, active, "A"),
        demande(sandbox, active, "B", mntFactureTTC=1.0),
        demande(sandbox, active, "C"),
        demande(sandbox, active, "A"),
    )
    assert [answer["numFactureTiers"] for answer in answers] == ["A", "B", "C", "A"]
    assert [bool(answer.get("idDemandePaiement")) for answer in answers] == [
        True,
        False,
        True,
        False,
    ]
    assert codes(answers[1]["errors"]) == ["ERR_TOTAL_PRESTATIONS"]
    assert codes(answers[3]["errors"]) == ["ERR_FACTURE_DOUBLON"]
    assert answers[0]["idDemandePaiement"] != answers[2]["idDemandePaiement"]
    assert "idDemandePaiement" not in answers[1]


def test_submit_more_than_ten(sandbox, api, active):
    body = [demande(sandbox, active, f"F-{index}") for index in range(11)]
    response = api.post("/demandePaiement", body)
    assert response.status_code == 400
    assert codes(response.json()) == ["ERR_NBRE_PREST_MAX"]
    assert sandbox.control("GET", "/_sandbox/demandePaiement") == []


def test_submit_validation_error_shape(sandbox, api, active):
    body = demande(sandbox, active, "F-1")
    body["inputPrestations"][0]["codeNature"] = 60
    body["dateFacture"] = "2025-03-31"
    response = api.post("/demandePaiement", [body])
    assert response.status_code == 400
    messages = sorted(error["message"] for error in response.json())
    assert messages == [
        "champ [0].dateFacture : date invalide (format attendu : AAAA-MM-JJT00:00:00Z)",
        "champ [0].inputPrestations[0].codeNature : doit être une chaîne de caractères",
    ]
    assert api.post("/demandePaiement", body).status_code == 400  # not an array
    assert api.post("/demandePaiement", []).status_code == 400


def _line(**changes):
    line = samples.demande("x", "x")["inputPrestations"][0]
    line.update(changes)
    return [line]


@pytest.mark.parametrize(
    "overrides, code",
    [
        ({"dateNaissanceClient": "1980-03-30T00:00:00Z"}, "ERR_PARTICULIER_INCONNU"),
        ({"mntFactureTTC": 265.0}, "ERR_TOTAL_PRESTATIONS"),
        ({"inputPrestations": _line(quantite=11)}, "ERR_MNT_PREST_TTC"),
        ({"inputPrestations": _line(mntPrestationTVA=25.0)}, "ERR_MNT_PREST_HT_TVA"),
        ({"mntFactureHT": 240.001}, "ERR_FORMAT_VALEUR"),
        ({"inputPrestations": _line(mntUnitaireTTC=22.0001)}, "ERR_FORMAT_VALEUR"),
        ({"inputPrestations": _line(mntPrestationHT=-1.0)}, "ERR_VALEUR_NEGATIVE"),
        ({"inputPrestations": _line(codeNature="999")}, "ERR_CODE_NATURE"),
        ({"mntAcompte": 132.01}, "ERR_MONTANT_ACOMPTE"),
    ],
)
def test_submit_business_rules(sandbox, api, active, overrides, code):
    answer = api.submit(demande(sandbox, active, "F-1", **overrides))[0]
    assert code in codes(answer["errors"]), answer
    assert "idDemandePaiement" not in answer
    assert answer["numFactureTiers"] == "F-1"
    assert answer["idClient"] == active
    assert sandbox.control("GET", "/_sandbox/demandePaiement") == []


def test_submit_accepts_three_decimal_unit_price_and_half_deposit(sandbox, api, active):
    line = _line(
        quantite=3,
        mntUnitaireTTC=33.333,
        mntPrestationTTC=100.0,
        mntPrestationHT=100.0,
        mntPrestationTVA=0,
    )
    accepted(
        sandbox,
        api,
        active,
        inputPrestations=line,
        mntFactureTTC=100,
        mntFactureHT=100,
        mntAcompte=50.0,
    )


def test_submit_period_rules(sandbox, api, active):
    start = last_month(sandbox)
    today = sandbox_today(sandbox)
    future = today + datetime.timedelta(days=40)

    def stamp(day):
        return f"{day.isoformat()}T00:00:00Z"

    cases = [
        (
            {"dateDebutEmploi": stamp(future), "dateFinEmploi": stamp(future)},
            "ERR_DATE_FUTUR",
        ),
        (
            {
                "dateDebutEmploi": stamp(start),
                "dateFinEmploi": stamp(today.replace(day=1)),
            },
            "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE",
        ),
        (
            {
                "dateDebutEmploi": stamp(start.replace(day=20)),
                "dateFinEmploi": stamp(start.replace(day=10)),
            },
            "ERR_DATE_FIN_AVANT_DATE_DEB",
        ),
    ]
    for index, (overrides, code) in enumerate(cases):
        answer = api.submit(demande(sandbox, active, f"P-{index}", **overrides))[0]
        assert code in codes(answer["errors"]), answer


def test_submit_particulier_rules(sandbox, api, active):
    unknown = api.submit(demande(sandbox, "00000000-0000-4000-8000-000000000000", "U"))
    assert codes(unknown[0]["errors"]) == ["ERR_PARTICULIER_INCONNU"]

    waiting = api.register(prenoms="Paul")
    answer = api.submit(demande(sandbox, waiting, "W"))[0]
    assert codes(answer["errors"]) == ["ERR_LIEN_PARTICULIER_PRESTATAIRE"]

    # activated on the 15th at 09:00 UTC: a period starting on the 10th is
    # refused, and so is one starting on the 15th (2025-..-15T00:00:00Z is
    # before the activation instant, as Urssaf compares them); the 16th passes.
    start = last_month(sandbox)
    sandbox.control(
        "POST",
        f"/_sandbox/particulier/{waiting}/activate",
        json={"at": f"{start.replace(day=15).isoformat()}T09:00:00Z"},
    )
    for day in (10, 15):
        answer = api.submit(demande(sandbox, waiting, "W", start.replace(day=day)))
        assert codes(answer[0]["errors"]) == ["ERR_LIEN_PARTICULIER_PRESTATAIRE"]
    answer = api.submit(demande(sandbox, waiting, "W", start.replace(day=16)))[0]
    assert answer["errors"] == []

    for status, code in [
        ("PARTICULIER_BLOQUE", "ERR_CMPT_BLOQUE"),
        ("MANDAT_ECHU", "ERR_MANDAT_ECHU"),
        ("APPAREILLAGE_NF", "ERR_LIEN_PARTICULIER_PRESTATAIRE"),
    ]:
        sandbox.control(
            "POST", f"/_sandbox/particulier/{active}/status", json={"code": status}
        )
        answer = api.submit(demande(sandbox, active, f"S-{status}"))[0]
        assert codes(answer["errors"]) == [code]


def test_period_start_against_the_activation_instant(sandbox, api):
    """The period's start, <date>T00:00:00Z, must not precede the activation
    instant: on the activation day only an activation at midnight UTC passes."""
    month = last_month(sandbox)
    third, fourth = month.replace(day=3), month.replace(day=4)
    cases = [
        (f"{third}T10:00:00Z", third, False),
        (f"{third}T10:00:00Z", fourth, True),
        (f"{third}T00:00:00Z", third, True),
        (f"{third}T00:00:01Z", third, False),
        # 00:30 in Paris on the 4th is 23:30 UTC on the 3rd: the 4th passes.
        (f"{fourth}T00:30:00+01:00", fourth, True),
    ]
    names = ("Alain", "Bruno", "Claude", "Denis", "Emile")
    for index, (at, day, passes) in enumerate(cases):
        id_client = api.register(prenoms=names[index])
        sandbox.control(
            "POST", f"/_sandbox/particulier/{id_client}/activate", json={"at": at}
        )
        answer = api.submit(demande(sandbox, id_client, f"A-{index}", day))[0]
        expected = [] if passes else ["ERR_LIEN_PARTICULIER_PRESTATAIRE"]
        assert codes(answer["errors"]) == expected, (at, day)


def test_duplicate_across_calls(sandbox, api, active):
    accepted(sandbox, api, active, "DUP")
    answer = api.submit(demande(sandbox, active, "DUP"))[0]
    assert codes(answer["errors"]) == ["ERR_FACTURE_DOUBLON"]
    assert len(sandbox.control("GET", "/_sandbox/demandePaiement")) == 1


# --- search ---


def test_search_by_ids_numbers_and_period(sandbox, api, active):
    start = last_month(sandbox)
    first = accepted(sandbox, api, active, "S-1", dateFacture=f"{start}T00:00:00Z")
    second = accepted(
        sandbox,
        api,
        active,
        "S-2",
        dateFacture=f"{start.replace(day=20)}T00:00:00Z",
    )

    by_ids = api.search({"idDemandePaiements": [first, second, "nope"]}).json()
    infos = by_ids["infoDemandePaiements"]
    assert [info["idDemandePaiement"] for info in infos] == [first, second]
    assert infos[0]["statut"] == {"code": "10", "libelle": "Intégrée"}
    assert infos[0]["demandePaiement"]["numFactureTiers"] == "S-1"
    assert infos[0]["demandePaiement"]["inputPrestations"][0]["codeNature"] == "60"
    assert "infoRejet" not in infos[0] and "infoVirement" not in infos[0]

    by_number = api.search({"numFactureTiers": ["S-2"]}).json()
    assert [i["idDemandePaiement"] for i in by_number["infoDemandePaiements"]] == [
        second
    ]

    period = {
        "dateDebut": f"{start.replace(day=15)}T00:00:00Z",
        "dateFin": f"{start.replace(day=25)}T00:00:00.000Z",
    }
    by_period = api.search(period).json()
    assert [i["idDemandePaiement"] for i in by_period["infoDemandePaiements"]] == [
        second
    ]
    # ids take precedence over the period
    both = api.search({**period, "idDemandePaiements": [first]}).json()
    assert [i["idDemandePaiement"] for i in both["infoDemandePaiements"]] == [first]


def test_search_errors(sandbox, api, active):
    empty = api.search({"dateDebut": "2053-01-01T00:00:00Z"})
    assert empty.status_code == 400
    assert codes(empty.json()) == ["ERR_RECHERCHE_VIDE"]
    assert codes(api.search({}).json()) == ["ERR_CRITERE_RECHERCHE_VIDE"]
    assert codes(api.search({"idDemandePaiements": []}).json()) == [
        "ERR_CRITERE_RECHERCHE_VIDE"
    ]
    too_many = api.search({"idDemandePaiements": [str(i) for i in range(11)]})
    assert too_many.status_code == 400
    assert codes(too_many.json()) == ["ERR_NBRE_MAX_RESULTAT"]
    invalid = api.search({"numFactureTiers": "F-1"})
    assert invalid.status_code == 400
    assert invalid.json()[0]["message"].startswith("champ numFactureTiers : ")


# --- lifecycle ---


def advance(sandbox, seconds):
    sandbox.control("POST", "/_sandbox/clock", json={"advance": seconds})


def test_normal_lifecycle(sandbox, api, active):
    id_demande = accepted(sandbox, api, active)
    assert api.status_of(id_demande)["statut"]["code"] == "10"
    steps = [(HOUR + 1, "20"), (48 * HOUR, "30"), (2 * DAY, "50"), (2 * DAY, "70")]
    for seconds, code in steps:
        advance(sandbox, seconds)
        info = api.status_of(id_demande)
        assert info["statut"]["code"] == code
    assert info["statut"]["libelle"] == "Payée"
    paid_day = sandbox_today(sandbox).isoformat()
    assert info["infoVirement"] == {
        "mntVirement": 264.0,
        "dateVirement": f"{paid_day}T00:00:00Z",
    }


def test_refuse(sandbox, api, active):
    id_demande = accepted(sandbox, api, active)
    advance(sandbox, 2 * HOUR)
    view = sandbox.control(
        "POST",
        f"/_sandbox/demandePaiement/{id_demande}/outcome",
        json={
            "outcome": "refuse",
            "code": "CONTEST_ERR_FACT",
            "commentaire": "Heures non effectuées",
        },
    )
    assert view["statut"]["code"] == "40"
    info = api.status_of(id_demande)
    assert info["statut"] == {"code": "40", "libelle": "Refusée par le client"}
    assert info["infoRejet"] == {
        "code": "CONTEST_ERR_FACT",
        "commentaire": "Heures non effectuées",
    }
    advance(sandbox, 10 * DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "40"
    with pytest.raises(SandboxControlError) as error:
        sandbox.control(
            "POST",
            f"/_sandbox/demandePaiement/{id_demande}/outcome",
            json={"outcome": "cancel"},
        )
    assert error.value.status == 409


@pytest.mark.parametrize("then, final", [("cancel", "111"), ("recover", "120")])
def test_unpaid(sandbox, api, active, then, final):
    id_demande = accepted(sandbox, api, active, "UNPAID")
    sandbox.control(
        "POST",
        "/_sandbox/demandePaiement/UNPAID/outcome",  # by invoice number
        json={"outcome": "unpaid", "then": then},
    )
    advance(sandbox, HOUR + 48 * HOUR + 2 * DAY + 60)
    assert api.status_of(id_demande)["statut"]["code"] == "50"
    advance(sandbox, DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "60"
    advance(sandbox, DAY)
    info = api.status_of(id_demande)
    assert info["statut"]["code"] == final
    assert "infoVirement" not in info


def test_unpaid_after_payment(sandbox, api, active):
    id_demande = accepted(sandbox, api, active)
    advance(sandbox, 7 * DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "70"
    sandbox.control(
        "POST",
        f"/_sandbox/demandePaiement/{id_demande}/outcome",
        json={"outcome": "unpaid"},
    )
    info = api.status_of(id_demande)
    assert info["statut"]["code"] == "60"
    assert info["infoVirement"]["mntVirement"] == 264.0
    advance(sandbox, 30 * DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "60"


def test_cancel(sandbox, api, active):
    fresh = accepted(sandbox, api, active, "C-1")
    sandbox.control(
        "POST",
        f"/_sandbox/demandePaiement/{fresh}/outcome",
        json={"outcome": "cancel", "code": "ANNUL_DBL", "commentaire": "Doublon"},
    )
    info = api.status_of(fresh)
    assert info["statut"] == {"code": "110", "libelle": "Annulée"}
    assert info["infoRejet"] == {"code": "ANNUL_DBL", "commentaire": "Doublon"}

    paid = accepted(sandbox, api, active, "C-2")
    advance(sandbox, 7 * DAY)
    sandbox.control(
        "POST", f"/_sandbox/demandePaiement/{paid}/outcome", json={"outcome": "cancel"}
    )
    info = api.status_of(paid)
    assert info["statut"]["code"] == "110"
    assert info["infoRejet"] == {"code": "ANNUL_AUTRE"}
    assert "infoVirement" in info


def test_outcome_validation(sandbox, api, active):
    id_demande = accepted(sandbox, api, active)
    url = f"/_sandbox/demandePaiement/{id_demande}/outcome"
    bad = [
        {"outcome": "lost"},
        {"outcome": "refuse", "code": "ANNUL_DBL"},
        {"outcome": "cancel", "code": "REGUL_AUTRE"},
        {"outcome": "unpaid", "then": "nothing"},
    ]
    for body in bad:
        with pytest.raises(SandboxControlError) as error:
            sandbox.control("POST", url, json=body)
        assert error.value.status == 400
    with pytest.raises(SandboxControlError) as error:
        sandbox.control(
            "POST", "/_sandbox/demandePaiement/nope/outcome", json={"outcome": "cancel"}
        )
    assert error.value.status == 404


# --- faults ---


def add_fault(sandbox, **fault):
    return sandbox.control("POST", "/_sandbox/faults", json=fault)


def test_fault_latency(sandbox, api):
    add_fault(sandbox, operation="status", kind="latency", seconds=0.5)
    started = time.perf_counter()
    response = api.get("/particulier", {"idClient": "x"})
    assert time.perf_counter() - started >= 0.5
    assert response.status_code == 400  # then answered normally


@pytest.mark.parametrize("kind, status", [("http_500", 500), ("http_503", 503)])
def test_fault_server_errors_do_not_process(sandbox, api, active, kind, status):
    add_fault(sandbox, operation="submit", kind=kind)
    response = api.post("/demandePaiement", [demande(sandbox, active, "F-1")])
    assert response.status_code == status
    assert codes(response.json()) == ["ERREUR_TECHNIQUE"]
    assert sandbox.control("GET", "/_sandbox/demandePaiement") == []
    # consumed: the next call goes through
    assert api.submit(demande(sandbox, active, "F-1"))[0]["errors"] == []


def test_fault_expire_token(sandbox, api):
    add_fault(sandbox, operation="register", kind="expire_token")
    response = api.post("/particulier", samples.particulier())
    assert response.status_code == 401
    assert api.get("/particulier", {"idClient": "x"}).status_code == 401
    api.refresh()
    api.register()


def test_fault_drop_after_commit(sandbox, api, active):
    add_fault(sandbox, operation="submit", kind="drop_after_commit")
    with pytest.raises(requests.ConnectionError):
        api.post("/demandePaiement", [demande(sandbox, active, "DROP")])
    stored = sandbox.control("GET", "/_sandbox/demandePaiement")
    assert [item["numFactureTiers"] for item in stored] == ["DROP"]
    answer = api.submit(demande(sandbox, active, "DROP"))[0]
    assert codes(answer["errors"]) == ["ERR_FACTURE_DOUBLON"]
    found = api.search({"numFactureTiers": ["DROP"]}).json()
    assert len(found["infoDemandePaiements"]) == 1


def test_fault_malformed(sandbox, api):
    add_fault(sandbox, operation="register", kind="malformed")
    response = api.post("/particulier", samples.particulier())
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert len(sandbox.control("GET", "/_sandbox/particulier")) == 1


def test_fault_business_error(sandbox, api, active):
    add_fault(sandbox, operation="register", kind="business_error")
    response = api.post("/particulier", samples.particulier(prenoms="Luc"))
    assert response.status_code == 400
    assert codes(response.json()) == ["ERR_DGFIP_R2P_INCONNU"]
    add_fault(sandbox, operation="register", kind="business_error", code="ERR_CONTACT")
    response = api.post("/particulier", samples.particulier(prenoms="Luc"))
    assert codes(response.json()) == ["ERR_CONTACT"]
    add_fault(
        sandbox, operation="submit", kind="business_error", code="ERR_CMPT_BLOQUE"
    )
    answer = api.submit(demande(sandbox, active, "B"))[0]
    assert codes(answer["errors"]) == ["ERR_CMPT_BLOQUE"]
    assert len(sandbox.control("GET", "/_sandbox/particulier")) == 1


def test_fault_wildcard_count_list_and_clear(sandbox, api):
    pending = add_fault(sandbox, operation="*", kind="http_503", count=2)
    assert pending["faults"][0]["count"] == 2
    assert api.get("/particulier", {"idClient": "x"}).status_code == 503
    assert api.search({}).status_code == 503
    assert api.get("/particulier", {"idClient": "x"}).status_code == 400
    add_fault(sandbox, operation="token", kind="http_500", count=5)
    assert len(sandbox.control("GET", "/_sandbox/faults")["faults"]) == 1
    assert sandbox.control("DELETE", "/_sandbox/faults") == {"faults": []}
    api.refresh()
    with pytest.raises(SandboxControlError) as error:
        add_fault(sandbox, operation="token", kind="nope")
    assert error.value.status == 400


def test_fault_on_token(sandbox):
    add_fault(sandbox, operation="token", kind="http_500")
    response = requests.post(
        sandbox.url + TOKEN_PATH,
        data={"grant_type": "client_credentials", "scope": SCOPE},
        auth=(sandbox.client_id, sandbox.client_secret),
        timeout=10,
    )
    assert response.status_code == 500


# --- call log, clock, reset, persistence ---


def test_call_log(sandbox, api, active):
    sandbox.control("DELETE", "/_sandbox/calls")
    api.submit(demande(sandbox, active, "L-1"), demande(sandbox, active, "L-2"))
    api.search({"numFactureTiers": ["L-1", "L-2", "L-3"]})
    add_fault(sandbox, operation="status", kind="http_500")
    api.get("/particulier", {"idClient": active})
    calls = sandbox.control("GET", "/_sandbox/calls")
    assert [(c["operation"], c["status"], c["items"]) for c in calls] == [
        ("submit", 200, 2),
        ("search", 200, 3),
        ("status", 500, 1),
    ]
    assert calls[2]["fault"] == "http_500"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c["at"]) for c in calls)
    assert sandbox.control("DELETE", "/_sandbox/calls") == []


def test_clock(sandbox):
    clock = sandbox.control("GET", "/_sandbox/clock")
    assert clock["offset"] == 0
    moved = sandbox.control("POST", "/_sandbox/clock", json={"advance": DAY})
    assert moved["offset"] == pytest.approx(DAY, abs=2)
    fixed = sandbox.control(
        "POST", "/_sandbox/clock", json={"now": "2030-05-06T07:08:09Z"}
    )
    assert fixed["now"] in ("2030-05-06T07:08:09Z", "2030-05-06T07:08:10Z")
    with pytest.raises(SandboxControlError):
        sandbox.control("POST", "/_sandbox/clock", json={"now": "tomorrow"})


def test_reset(sandbox, api, active):
    accepted(sandbox, api, active)
    advance(sandbox, DAY)
    add_fault(sandbox, kind="http_500")
    assert sandbox.control("POST", "/_sandbox/reset")["reset"] is True
    assert sandbox.control("GET", "/_sandbox/demandePaiement") == []
    assert sandbox.control("GET", "/_sandbox/particulier") == []
    assert sandbox.control("GET", "/_sandbox/calls") == []
    assert sandbox.control("GET", "/_sandbox/faults") == {"faults": []}
    assert sandbox.control("GET", "/_sandbox/clock")["offset"] == 0
    api.register()  # token still valid


def test_unknown_control_route(sandbox):
    with pytest.raises(SandboxControlError) as error:
        sandbox.control("GET", "/_sandbox/nope")
    assert error.value.status == 404


def test_persistence_across_restart(sandbox_factory, tmp_path):
    db_path = tmp_path / "persist.sqlite"
    first = sandbox_factory(db_path=db_path)
    api = Api(first)
    id_client = api.register()
    first.control(
        "POST",
        f"/_sandbox/particulier/{id_client}/activate",
        json={"at": f"{last_month(first)}T00:00:00Z"},
    )
    id_demande = accepted(first, api, id_client, "KEEP")
    first.control(
        "POST",
        f"/_sandbox/demandePaiement/{id_demande}/outcome",
        json={"outcome": "unpaid", "then": "recover"},
    )
    advance(first, 3 * HOUR)
    token = api.token
    first.stop()

    second = sandbox_factory(db_path=db_path)
    api.sandbox = second
    api.token = token  # tokens survive too
    status = api.get("/particulier", {"idClient": id_client}).json()["statut"]
    assert status["code"] == "APPAREILLAGE_VALIDE"
    assert api.status_of(id_demande)["statut"]["code"] == "20"
    assert second.control("GET", "/_sandbox/clock")["offset"] == 3 * HOUR
    assert codes(api.submit(demande(second, id_client, "KEEP"))[0]["errors"]) == [
        "ERR_FACTURE_DOUBLON"
    ]
    advance(second, 6 * DAY)
    assert api.status_of(id_demande)["statut"]["code"] == "120"
    assert [c["operation"] for c in second.control("GET", "/_sandbox/calls")][:2] == [
        "token",
        "register",
    ]


def test_command_line(tmp_path):
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "urssaf.sandbox",
            "--port",
            "0",
            "--client-id",
            "cli-id",
            "--client-secret",
            "cli-secret",
            "--db",
            str(tmp_path / "cli.sqlite"),
            "--token-ttl",
            "60",
        ],
        cwd=root,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stderr.readline()
        url = re.search(r"http://[\d.]+:\d+", line).group(0)
        response = requests.post(
            url + TOKEN_PATH,
            data={"grant_type": "client_credentials", "scope": SCOPE},
            headers={
                "Authorization": "Basic "
                + base64.b64encode(b"cli-id:cli-secret").decode()
            },
            timeout=10,
        )
        assert response.json()["expires_in"] == 60
        request_line = process.stderr.readline()
        assert request_line.rstrip().endswith(response.headers["x-correlationid"])
        assert f"POST {TOKEN_PATH} 200" in request_line
        assert "cli-secret" not in request_line
        assert response.json()["access_token"] not in request_line
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize(
    "field, value",
    [("nomNaissance", "Dupont2"), ("nomUsage", "Mar7in"), ("prenoms", "Jeanne 2")],
)
def test_names_are_full_matches(api, field, value):
    # Urssaf applies its patterns to the whole value (Java): the first branch of
    # the birth-name pattern matching "Dupont" is not enough.
    response = api.post("/particulier", samples.particulier(**{field: value}))
    assert response.status_code == 400
    errors = response.json()
    assert codes(errors) == ["ERREUR_VALIDATION"]
    assert errors[0]["message"].startswith(f"champ {field} : format invalide")
