from odoo import fields, models


class AccountJournal(models.Model):
    _inherit = "account.journal"

    l10n_fr_aici_cesu = fields.Boolean(
        string="CESU préfinancés",
        help="Payments registered in this journal are CESU préfinancés (titres "
        "CESU paid by an employer, a works council or a mutual). The annual tax "
        "attestation deducts them from the amount paid by the client, unless "
        "the invoice gives its own CESU préfinancé amount.",
    )
