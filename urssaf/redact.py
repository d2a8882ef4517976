"""Masking of personal data before it is shown.

The exchange journal and the logs keep no payload at all; screens that must
show a bank account show it masked.
"""

MASK = "***"


def mask_iban(iban):
    """``FR7630006000011234567890189`` -> ``FR76 **** 0189``."""
    compact = "".join((iban or "").split())
    if len(compact) < 8:
        return MASK if compact else ""
    return f"{compact[:4]} **** {compact[-4:]}"
