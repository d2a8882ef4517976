from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestNeutralize(TransactionCase):
    def test_neutralize_wipes_credentials(self):
        company = self.env.company
        company.write(
            {
                "aici_environment": "production",
                "aici_client_id": "prod-id",
                "aici_client_secret": "prod-secret",
            }
        )
        self.env.flush_all()
        for query in get_neutralization_queries(["l10n_fr_aici"]):
            self.env.cr.execute(query)
        self.env.invalidate_all()
        self.assertEqual(company.aici_environment, "sandbox")
        self.assertFalse(company.aici_client_id)
        self.assertFalse(company.aici_client_secret)
