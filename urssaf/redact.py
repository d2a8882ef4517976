"""Masking of personal data and secrets before anything is shown or stored in logs.

Birth data and bank details are personal data: the exchange journal and the logs
keep the shape of a payload, never these values.
"""

# Keys of Urssaf payloads whose values are personal data or secrets.
SENSITIVE_KEYS = frozenset(
    {
        "dateNaissance",
        "dateNaissanceClient",
        "lieuNaissance",
        "codePaysNaissance",
        "departementNaissance",
        "communeNaissance",
        "codeCommune",
        "libelleCommune",
        "iban",
        "bic",
        "titulaire",
        "nomNaissance",
        "nomUsage",
        "prenoms",
        "numeroTelephonePortable",
        "adresseMail",
        "numeroVoie",
        "libelleVoie",
        "complement",
        "lieuDit",
        "codePostal",
        "access_token",
        "client_secret",
        "Authorization",
    }
)

MASK = "***"


def mask_iban(iban):
    """``FR7630006000011234567890189`` -> ``FR76 **** 0189``."""
    compact = "".join((iban or "").split())
    if len(compact) < 8:
        return MASK if compact else ""
    return f"{compact[:4]} **** {compact[-4:]}"


def redact(value):
    """A deep copy of a JSON-like value with every sensitive value masked."""
    if isinstance(value, dict):
        return {
            key: (MASK if key in SENSITIVE_KEYS and item not in (None, "") else
                  redact(item))
            for key, item in value.items()
        }  # fmt: skip
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value
