"""Local imitation of Urssaf's "API Tiers de prestation" for tests and demos.

Run it with ``python -m urssaf.sandbox --port 8080`` (see ``__main__``) or embed
it with :class:`SandboxServer`; the routes are documented in :mod:`.server`.
"""

from .server import SandboxControlError, SandboxServer

__all__ = ["SandboxControlError", "SandboxServer"]
