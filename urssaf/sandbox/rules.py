"""Business rules of the sandbox, applied after the contract validation.

Each check returns a list of ``(code, message)`` pairs using Urssaf's error codes;
an empty list means the request is accepted. Messages are French, like Urssaf's.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from ..catalogues import NATURES, STREET_LETTERS, STREET_TYPES
from .store import from_iso

FRANCE = "99100"
MAX_DEMANDES_PER_CALL = 10
MAX_IDS_PER_SEARCH = 10
MAX_SEARCH_RESULTS = 100
CENT = Decimal("0.01")

_OVERRIDES = ("PARTICULIER_BLOQUE", "MANDAT_ECHU", "APPAREILLAGE_NF")


# --- particulier --------------------------------------------------------------------


def link_status(row, now):
    """``(code, activated_at)`` of the link provider <-> particulier at ``now``."""
    activated_at = from_iso(row["activated_at"])
    if row["status_override"] in _OVERRIDES:
        return row["status_override"], activated_at
    if activated_at is not None and activated_at <= now:
        return "APPAREILLAGE_VALIDE", activated_at
    return "APPAREILLAGE_EC", activated_at


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _identity(nom, prenoms, date_naissance):
    return (
        nom.strip().casefold(),
        " ".join(prenoms.split()).casefold(),
        date_naissance,
    )


def iban_is_valid(iban):
    """ISO 13616 check digits (mod 97)."""
    iban = iban.replace(" ", "").upper()
    if len(iban) < 5 or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def check_particulier(body, now, existing):
    """Rules of ``POST /particulier``; ``existing`` are the provider's rows."""
    errors = []
    birth = from_iso(body["dateNaissance"])
    if birth.date() > now.date():
        errors.append(
            ("ERR_DATE_NAISSANCE_FUTUR", "La date de naissance est dans le futur.")
        )
    errors += _check_birth_place(body["lieuNaissance"])
    errors += _check_address(body["adressePostale"])
    if not iban_is_valid(body["coordonneeBancaire"]["iban"]):
        errors.append(
            ("ERR_COORDONNEES_BANCAIRES", "Les coordonnées bancaires sont invalides.")
        )
    identity = _identity(
        body["nomNaissance"], body["prenoms"], birth.date().isoformat()
    )
    for row in existing:
        if _identity(row["nom_naissance"], row["prenoms"], row["date_naissance"]) == (
            identity
        ):
            errors.append(
                (
                    "ERR_LIEN_TIERS_PRESTATION_PARTICULIER_EXISTE",
                    (
                        "Le lien entre le tiers de prestation et le particulier existe "
                        "déjà."
                    ),
                )
            )
            break
    return errors


def _check_birth_place(place):
    errors = []
    commune = place.get("communeNaissance")
    if place["codePaysNaissance"] == FRANCE:
        if _blank(place.get("departementNaissance")):
            errors.append(
                (
                    "ERREUR_LIEU_NAISSANCE_DEPT",
                    (
                        "Le département de naissance est obligatoire pour une "
                        "naissance en France."
                    ),
                )
            )
        if commune is None:
            errors.append(
                (
                    "ERR_LIEU_NAISSANCE_COMN",
                    (
                        "La commune de naissance est obligatoire pour une naissance en "
                        "France."
                    ),
                )
            )
        elif _blank(commune.get("libelleCommune")):
            errors.append(
                (
                    "ERR_LIEU_NAISSANCE_OBLIGATOIRE",
                    "Le libellé de la commune de naissance est obligatoire.",
                )
            )
    elif commune is not None or not _blank(place.get("departementNaissance")):
        errors.append(
            (
                "ERREUR_LIEU_NAISSANCE_PAYS",
                (
                    "Le département et la commune de naissance ne doivent pas être "
                    "renseignés pour une naissance à l'étranger."
                ),
            )
        )
    return errors


def _check_address(address):
    errors = []
    letter = address.get("lettreVoie")
    street_type = address.get("codeTypeVoie")
    street = address.get("libelleVoie")
    if not _blank(letter) and letter.upper() not in STREET_LETTERS:
        errors.append(
            (
                "ERR_CONTACT_ADRESSE_LETTRE_VOIE",
                "La lettre associée au numéro de voie est inconnue (B, T, Q ou C).",
            )
        )
    if not _blank(street_type) and street_type.upper() not in STREET_TYPES:
        errors.append(
            ("ERR_CONTACT_ADRESSE_TYPE_VOIE", "Le code type de voie est inconnu.")
        )
    if not _blank(street) and _blank(street_type):
        errors.append(
            (
                "ERR_CONTACT_ADRESSE_TYPEVOIE",
                (
                    "Le type de voie est obligatoire lorsque le libellé de voie est "
                    "renseigné."
                ),
            )
        )
    if not _blank(street_type) and _blank(street):
        errors.append(
            (
                "ERR_CONTACT_ADRESSE_LIBELLEVOIE",
                (
                    "Le libellé de voie est obligatoire lorsque le type de voie est "
                    "renseigné."
                ),
            )
        )
    if all(
        _blank(address.get(name))
        for name in ("codeTypeVoie", "libelleVoie", "complement", "lieuDit")
    ):
        errors.append(
            (
                "ERR_CONTACT_ADRESSE_INFORMATION_SUPPLEMENTAIRE",
                (
                    "L'adresse doit comporter un type et un libellé de voie, un "
                    "complément ou un lieu-dit."
                ),
            )
        )
    return errors


# --- payment requests ---------------------------------------------------------------


def _decimal(value):
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def _decimals(value):
    try:
        exponent = _decimal(value).normalize().as_tuple().exponent
    except InvalidOperation:
        return 99
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _amount_errors(demande):
    """ERR_FORMAT_VALEUR and ERR_VALEUR_NEGATIVE over every amount of a request."""
    amounts = [
        (name, demande[name])
        for name in ("mntFactureTTC", "mntFactureHT", "mntAcompte")
        if name in demande
    ]
    for index, line in enumerate(demande["inputPrestations"]):
        for name in (
            "quantite",
            "mntUnitaireTTC",
            "mntPrestationTTC",
            "mntPrestationHT",
            "mntPrestationTVA",
        ):
            amounts.append((f"inputPrestations[{index}].{name}", line[name]))
    errors = []
    for path, value in amounts:
        if value < 0:
            errors.append(
                ("ERR_VALEUR_NEGATIVE", f"La valeur du champ {path} est négative.")
            )
        field = path.rsplit(".", 1)[-1]
        limit = 3 if field == "mntUnitaireTTC" else 2
        if field != "quantite" and _decimals(value) > limit:
            errors.append(
                (
                    "ERR_FORMAT_VALEUR",
                    f"Le champ {path} comporte plus de {limit} décimales.",
                )
            )
    return errors


def _line_errors(demande):
    errors = []
    total = Decimal(0)
    for index, line in enumerate(demande["inputPrestations"]):
        prefix = f"inputPrestations[{index}]"
        if line["codeNature"] not in NATURES:
            errors.append(
                (
                    "ERR_CODE_NATURE",
                    f"Le code nature {line['codeNature']!r} ({prefix}) est inconnu.",
                )
            )
        ttc = _decimal(line["mntPrestationTTC"])
        total += ttc
        expected = (
            _decimal(line["quantite"]) * _decimal(line["mntUnitaireTTC"])
        ).quantize(CENT, rounding=ROUND_HALF_UP)
        if expected != ttc.quantize(CENT, rounding=ROUND_HALF_UP):
            errors.append(
                (
                    "ERR_MNT_PREST_TTC",
                    (
                        f"Le montant TTC de la prestation {prefix} ne correspond pas à "
                        "quantité x prix unitaire."
                    ),
                )
            )
        ht_tva = _decimal(line["mntPrestationHT"]) + _decimal(line["mntPrestationTVA"])
        if ht_tva.quantize(CENT) != ttc.quantize(CENT):
            errors.append(
                (
                    "ERR_MNT_PREST_HT_TVA",
                    f"Montant HT + TVA différent du montant TTC ({prefix}).",
                )
            )
        errors += _period_errors(line, prefix, now=None)
    invoice_total = _decimal(demande["mntFactureTTC"])
    if total.quantize(CENT) != invoice_total.quantize(CENT):
        errors.append(
            (
                "ERR_TOTAL_PRESTATIONS",
                (
                    "La somme des montants TTC des prestations est différente du "
                    "montant TTC de la facture."
                ),
            )
        )
    if "mntAcompte" in demande and _decimal(demande["mntAcompte"]) * 2 > invoice_total:
        errors.append(
            (
                "ERR_MONTANT_ACOMPTE",
                "Le montant de l'acompte dépasse 50 % du montant de la facture.",
            )
        )
    return errors


def _period_errors(item, prefix, now):
    start = item.get("dateDebutEmploi")
    end = item.get("dateFinEmploi")
    if not start or not end:
        return []
    start, end = from_iso(start).date(), from_iso(end).date()
    errors = []
    where = f" ({prefix})" if prefix else ""
    if now is not None and max(start, end) > now.date():
        errors.append(
            ("ERR_DATE_FUTUR", f"La période d'emploi est dans le futur{where}.")
        )
    if end < start:
        errors.append(
            (
                "ERR_DATE_FIN_AVANT_DATE_DEB",
                f"La date de fin d'emploi est antérieure à la date de début{where}.",
            )
        )
    if (start.year, start.month) != (end.year, end.month):
        errors.append(
            (
                "ERR_PERIODE_EMPLOI_MOIS_NON_UNIQUE",
                (
                    f"La période d'emploi doit être comprise dans un seul mois "
                    f"calendaire{where}."
                ),
            )
        )
    return errors


def _particulier_errors(demande, particulier, now):
    if particulier is None or (
        from_iso(demande["dateNaissanceClient"]).date().isoformat()
        != particulier["date_naissance"]
    ):
        return [
            (
                "ERR_PARTICULIER_INCONNU",
                "Le particulier est inconnu ou sa date de naissance ne correspond pas.",
            )
        ]
    code, activated_at = link_status(particulier, now)
    if code == "PARTICULIER_BLOQUE":
        return [("ERR_CMPT_BLOQUE", "Le compte du particulier est bloqué.")]
    if code == "MANDAT_ECHU":
        return [
            ("ERR_MANDAT_ECHU", "Le mandat de prélèvement du particulier est échu.")
        ]
    link_error = (
        "ERR_LIEN_PARTICULIER_PRESTATAIRE",
        (
            "Aucun lien actif entre le particulier et le tiers de prestation pour la "
            "période d'emploi."
        ),
    )
    if code != "APPAREILLAGE_VALIDE":
        return [link_error]
    # Urssaf compares instants: the period starts at <date>T00:00:00Z, so a
    # period starting on the activation day is refused unless the activation
    # happened exactly at midnight UTC.
    if from_iso(demande["dateDebutEmploi"]) < activated_at:
        return [link_error]
    return []


def check_demande(demande, now, particulier, taken_numbers):
    """Rules of one item of ``POST /demandePaiement``.

    ``particulier`` is the stored row of ``idClient`` (or None) and
    ``taken_numbers`` the invoice numbers already accepted for these credentials.
    """
    errors = _particulier_errors(demande, particulier, now)
    if demande["numFactureTiers"] in taken_numbers:
        errors.append(
            (
                "ERR_FACTURE_DOUBLON",
                f"La facture {demande['numFactureTiers']} a déjà été transmise.",
            )
        )
    errors += _period_errors(demande, "", now)
    errors += _amount_errors(demande)
    errors += _line_errors(demande)
    return errors
