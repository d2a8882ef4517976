"""Urssaf-like ``Erreur`` objects: ``{"code", "message", "description"}``."""

from ..catalogues import ERROR_CODES


def erreur(code, message, description=None):
    if description is None:
        info = ERROR_CODES.get(code)
        description = info.explanation if info else message
    return {"code": code, "message": message, "description": description}


def erreurs(pairs):
    """Turn ``(code, message)`` pairs into a list of ``Erreur`` objects."""
    return [erreur(code, message) for code, message in pairs]


def validation_errors(violations):
    return [
        erreur(
            "ERREUR_VALIDATION",
            f"champ {violation.path or '(corps)'} : {violation.message}",
            f"Requête incorrecte : règle {violation.rule} non respectée",
        )
        for violation in violations
    ]


def technical_error(message="Erreur technique", description=None):
    return [
        erreur(
            "ERREUR_TECHNIQUE",
            message,
            description or "Une erreur technique est survenue, réessayez plus tard.",
        )
    ]
