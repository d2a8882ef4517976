import tempfile

from odoo.tests import TransactionCase

from ..urssaf.client import TOKEN_CACHE
from ..urssaf.sandbox.server import SandboxServer

SANDBOX_CLIENT_ID = "odoo-test-client"
SANDBOX_CLIENT_SECRET = "odoo-test-secret"


class AiciSandboxCase(TransactionCase):
    """Starts the local Urssaf sandbox on a free loopback port for the class.

    The tests talk to it over real HTTP (Odoo's test blocker lets loopback
    through) and point the test company at it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
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
        cls.company = cls.env.company
        cls.company.write(
            {
                "aici_environment": "custom",
                "aici_api_base_url": cls.sandbox.url,
                "aici_client_id": SANDBOX_CLIENT_ID,
                "aici_client_secret": SANDBOX_CLIENT_SECRET,
            }
        )
