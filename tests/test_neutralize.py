from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestNeutralize(TransactionCase):
    def test_neutralize_wipes_credentials(self):
        company = self.env.company
        company.write(
            {
                "l10n_fr_aici_environment": "production",
                "l10n_fr_aici_client_id": "prod-id",
                "l10n_fr_aici_client_secret": "prod-secret",
            }
        )
        self.env.flush_all()
        for query in get_neutralization_queries(["l10n_fr_aici"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertEqual(company.l10n_fr_aici_environment, "sandbox")
        self.assertFalse(company.l10n_fr_aici_client_id)
        self.assertFalse(company.l10n_fr_aici_client_secret)
