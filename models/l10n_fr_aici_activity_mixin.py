from odoo import models


class AiciActivityMixin(models.AbstractModel):
    """Warning activities asking a human to act on an Urssaf event."""

    _name = "l10n_fr_aici.activity.mixin"
    _description = "Avance immédiate warnings"

    def _l10n_fr_aici_responsible_user(self):
        return self.env.user

    def _l10n_fr_aici_warn(self, note):
        self.ensure_one()
        self.activity_schedule(
            "mail.mail_activity_data_warning",
            summary=self.env._("Avance immédiate: action needed"),
            note=note,
            user_id=self._l10n_fr_aici_responsible_user().id,
        )
