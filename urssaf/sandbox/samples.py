"""Valid example payloads accepted by the sandbox (for tests and demos).

Identities are fictitious; the IBAN is the swagger's example (valid checksum).
"""

import copy
from datetime import date


def particulier(**overrides):
    """An ``InputParticulierDTO`` born in Lyon; top-level keys can be overridden."""
    body = {
        "civilite": "2",
        "nomNaissance": "Durand",
        "nomUsage": "Martin",
        "prenoms": "Jeanne Marie",
        "dateNaissance": "1980-03-29T00:00:00.000Z",
        "lieuNaissance": {
            "codePaysNaissance": "99100",
            "departementNaissance": "069",
            "communeNaissance": {"codeCommune": "123", "libelleCommune": "Lyon"},
        },
        "numeroTelephonePortable": "0605040302",
        "adresseMail": "jeanne.martin@example.fr",
        "adressePostale": {
            "numeroVoie": "8",
            "lettreVoie": "B",
            "codeTypeVoie": "R",
            "libelleVoie": "du Soleil",
            "libelleCommune": "LYON 01",
            "codeCommune": "69101",
            "codePostal": "69001",
            "codePays": "99100",
        },
        "coordonneeBancaire": {
            "bic": "BNAPFRPPXXX",
            "iban": "FR7630006000011234567890189",
            "titulaire": "Mme Jeanne Martin",
        },
    }
    body.update(copy.deepcopy(overrides))
    return body


def _stamp(day):
    return f"{day.isoformat()}T00:00:00Z"


def demande(id_client, num_facture, day=None, **overrides):
    """An ``InputDemandePaiement`` of 12 h of housework (264 EUR) on ``day``.

    ``day`` (a date, default today) is used for the employment period and the
    invoice date. Top-level keys can be overridden.
    """
    day = day or date.today()
    body = {
        "idTiersFacturation": "menage.fr",
        "idClient": id_client,
        "dateNaissanceClient": "1980-03-29T00:00:00Z",
        "numFactureTiers": num_facture,
        "dateFacture": _stamp(day),
        "dateDebutEmploi": _stamp(day),
        "dateFinEmploi": _stamp(day),
        "mntFactureTTC": 264.0,
        "mntFactureHT": 240.0,
        "inputPrestations": [
            {
                "codeNature": "60",
                "quantite": 12,
                "unite": "HEURE",
                "mntUnitaireTTC": 22.0,
                "mntPrestationTTC": 264.0,
                "mntPrestationHT": 240.0,
                "mntPrestationTVA": 24.0,
                "dateDebutEmploi": _stamp(day),
                "dateFinEmploi": _stamp(day),
                "complement2": "SIR12345678900012",
            }
        ],
    }
    body.update(copy.deepcopy(overrides))
    return body
