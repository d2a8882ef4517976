import datetime
import random
import string
import tempfile
from urllib.parse import urlparse

from odoo import fields
from odoo.tests import Form, TransactionCase, common, new_test_user

from ..odoo_series import ODOO_MAJOR, product_uom_values, user_groups_field
from ..urssaf.client import TOKEN_CACHE
from ..urssaf.sandbox.server import SandboxServer

SANDBOX_CLIENT_ID = "odoo-test-client"
SANDBOX_CLIENT_SECRET = "odoo-test-secret"


def last_month(months=1):
    """First and last day of a past calendar month (complete services)."""
    end = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    for _step in range(months - 1):
        end = end.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


class AiciSandboxMixin:
    """Starts the local Urssaf sandbox on a free loopback port for the class.

    The tests talk to it over real HTTP: Odoo's test blocker lets loopback
    through, with the client's own (connect, read) timeouts.
    """

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        if urlparse(r.url).hostname in ("127.0.0.1", "localhost"):
            return common._super_send(s, r, **kw)
        return super()._request_handler(s, r, **kw)

    @classmethod
    def start_sandbox(cls):
        cls._sandbox_dir = tempfile.TemporaryDirectory(prefix="aici-sandbox-")
        cls.addClassCleanup(cls._sandbox_dir.cleanup)
        cls.sandbox = SandboxServer(
            host="127.0.0.1",
            port=0,
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET,
            db_path=f"{cls._sandbox_dir.name}/sandbox.sqlite",
        )
        cls.sandbox.start()
        cls.addClassCleanup(cls.sandbox.stop)
        TOKEN_CACHE.clear()
        cls.addClassCleanup(TOKEN_CACHE.clear)

    @staticmethod
    def company_values(url):
        return {
            "l10n_fr_aici_environment": "custom",
            "l10n_fr_aici_api_base_url": url,
            "l10n_fr_aici_client_id": SANDBOX_CLIENT_ID,
            "l10n_fr_aici_client_secret": SANDBOX_CLIENT_SECRET,
            "l10n_fr_aici_nova_number": "552100554",
        }

    @classmethod
    def client_values(cls, **overrides):
        """Registration data of a valid, unique client."""
        suffix = "".join(random.choices(string.ascii_uppercase, k=6))
        values = {
            "name": f"Jeanne {suffix} Martin",
            "is_company": False,
            "l10n_fr_aici_civility": "2",
            "l10n_fr_aici_birth_name": "Durand",
            "l10n_fr_aici_usage_name": "Martin",
            "l10n_fr_aici_first_names": f"Jeanne {suffix.capitalize()}",
            "l10n_fr_aici_birth_date": datetime.date(1980, 3, 29),
            "l10n_fr_aici_birth_country_code": "99100",
            "l10n_fr_aici_birth_commune_code": "69123",
            "l10n_fr_aici_birth_commune_label": "Lyon",
            "l10n_fr_aici_mobile": "0605040302",
            "l10n_fr_aici_email": f"jeanne.{suffix.lower()}@example.fr",
            "l10n_fr_aici_street_number": "8",
            "l10n_fr_aici_street_letter": "B",
            "l10n_fr_aici_street_type": "R",
            "l10n_fr_aici_street_label": "du Soleil",
            "l10n_fr_aici_commune_code": "69381",
            "l10n_fr_aici_commune_label": "LYON 01",
            "l10n_fr_aici_zip": "69001",
            "l10n_fr_aici_country_code": "99100",
            "l10n_fr_aici_iban": "FR7630006000011234567890189",
            "l10n_fr_aici_bic": "BNAPFRPPXXX",
            "l10n_fr_aici_bank_holder": "Mme Jeanne Martin",
            "l10n_fr_aici_data_checked": True,
        }
        values.update(overrides)
        return values


class AiciSandboxCase(AiciSandboxMixin, TransactionCase):
    """A company configured against the local sandbox, and test users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_sandbox()
        cls.company = cls.env.company
        euro = cls.env.ref("base.EUR")
        euro.active = True
        cls.company.write(
            dict(
                cls.company_values(cls.sandbox.url),
                currency_id=euro.id,
                country_id=cls.env.ref("base.fr").id,
            )
        )
        cls.manager = new_test_user(
            cls.env,
            login="l10n_fr_aici_manager",
            name="AICI Manager",
            groups="account.group_account_manager,l10n_fr_aici.group_aici_manager",
        )
        cls.accountant = new_test_user(
            cls.env,
            login="l10n_fr_aici_accountant",
            name="Plain Accountant",
            groups="account.group_account_invoice",
        )

    @classmethod
    def second_company(cls, name, **values):
        """Another French company in euros, with a chart of accounts, that the
        test user may use."""
        company = cls.env["res.company"].create(
            dict(
                {
                    "name": name,
                    "currency_id": cls.env.ref("base.EUR").id,
                    "country_id": cls.env.ref("base.fr").id,
                    "l10n_fr_aici_environment": "custom",
                },
                **values,
            )
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company, install_demo=False
        )
        company.currency_id = cls.env.ref("base.EUR")
        cls.env.user.company_ids |= company
        return company

    def setUp(self):
        super().setUp()
        # Each test starts from an empty Urssaf: invoice numbers restart with
        # every rolled-back test.
        self.sandbox.control("POST", "/_sandbox/reset")

    @classmethod
    def add_group(cls, user, xmlid):
        """Give ``user`` a group, whatever the series calls the field."""
        user[user_groups_field(cls.env)] |= cls.env.ref(xmlid)

    def run_scheduled(self, cron):
        """Run a scheduled action as Odoo's runner does. On 19.0 it runs in a
        cursor of its own, which must see this test's data."""
        if ODOO_MAJOR >= 19:
            with self.enter_registry_test_mode():
                cron.method_direct_trigger()
        else:
            cron.method_direct_trigger()

    def send(self, moves):
        """The accountant clicks "Envoyer à l'Urssaf"."""
        return moves.with_user(self.accountant).action_aici_send()

    def refresh(self, moves):
        """The accountant clicks "Actualiser le statut Urssaf"."""
        moves.with_user(self.accountant).action_aici_refresh()

    def advance(self, seconds):
        """Move the sandbox's clock."""
        self.sandbox.control("POST", "/_sandbox/clock", json={"advance": seconds})

    @staticmethod
    def grouped(model, domain, field):
        """Group values in the order the web client shows them (the actions
        of the add-on ask for ``read_group_expand``, which 19.0 needs)."""
        model = model.with_context(read_group_expand=True)
        if ODOO_MAJOR >= 19:
            groups = model.formatted_read_group(domain, [field], ["__count"])
        else:
            groups = model.read_group(domain, [field], [field])
        return [group[field] for group in groups]

    def sandbox_calls(self, operation=None):
        calls = self.sandbox.control("GET", "/_sandbox/calls")
        return [c for c in calls if operation is None or c["operation"] == operation]

    def reset_calls(self):
        self.sandbox.control("DELETE", "/_sandbox/calls")

    def fault(self, operation, kind, **extra):
        self.sandbox.control(
            "POST",
            "/_sandbox/faults",
            json=dict({"operation": operation, "kind": kind}, **extra),
        )

    def enrol(self, partner):
        wizard = (
            self.env["l10n_fr_aici.enrolment.wizard"]
            .with_user(self.manager)
            .with_context(active_model="res.partner", active_ids=partner.ids)
            .create({"confirm_checked": True})
        )
        wizard.action_enrol()
        return wizard

    def activate(self, partner, at=None):
        at = at or datetime.datetime.combine(last_month()[0], datetime.time(0, 0))
        self.sandbox.control(
            "POST",
            f"/_sandbox/particulier/{partner.l10n_fr_aici_id_client}/activate",
            json={"at": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )
        partner.with_user(self.manager).action_aici_refresh_status()

    def active_client(self, **overrides):
        partner = self.env["res.partner"].create(self.client_values(**overrides))
        self.enrol(partner)
        self.activate(partner)
        self.assertEqual(partner.l10n_fr_aici_state, "active")
        return partner

    @classmethod
    def service_product(cls, nature="60", name="Ménage", hourly=True):
        uom = cls.env.ref("uom.product_uom_hour" if hourly else "uom.product_uom_unit")
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                **product_uom_values(cls.env, uom),
                "list_price": 25.0,
                "taxes_id": [fields.Command.clear()],
                "l10n_fr_aici_nature_code": nature,
            }
        )

    def invoice(
        self, partner, lines=None, post=True, move_type="out_invoice", period=None
    ):
        """A customer invoice of last month's services (no tax by default)."""
        start, end = period or last_month()
        product = getattr(self, "product", None) or self.service_product()
        lines = lines or [(product, 12.0, 22.0)]
        form = Form(self.env["account.move"].with_context(default_move_type=move_type))
        form.partner_id = partner
        form.invoice_date = end
        for line_product, quantity, price in lines:
            with form.invoice_line_ids.new() as line:
                line.product_id = line_product
                line.quantity = quantity
                line.price_unit = price
                line.tax_ids.clear()
        move = form.save()
        move.l10n_fr_aici_period_start = start
        move.l10n_fr_aici_period_end = end
        if post:
            move.action_post()
        return move
