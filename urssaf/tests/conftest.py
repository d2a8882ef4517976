"""Shared fixtures: a real sandbox HTTP server on a free port.

Run from the add-on root: ``python3 -m pytest urssaf/tests`` (``-m`` puts the
current directory on ``sys.path`` so that ``import urssaf`` works).
"""

import pytest

from urssaf.sandbox import SandboxServer


@pytest.fixture
def sandbox_factory(tmp_path):
    """Start sandboxes with custom settings; all are stopped at teardown.

    ``sandbox_factory(db_path=..., token_ttl=..., activation_delay=...)``; the
    database defaults to a file in the test's temporary directory.
    """
    servers = []

    def start(**kwargs):
        kwargs.setdefault("db_path", tmp_path / f"sandbox-{len(servers)}.sqlite")
        server = SandboxServer(host="127.0.0.1", port=0, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory):
    """A running sandbox: ``.url``, ``.client_id``, ``.client_secret``,
    ``.control(method, path, json=None)`` (decoded JSON answer)."""
    return sandbox_factory()
