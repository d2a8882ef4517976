"""The Odoo set-up of the scripts: download over loopback HTTP, checks, cache.

A small archive shaped like Odoo's source is built for each test and served by a
real HTTP server on 127.0.0.1; the virtualenv step is left out (``--no-venv``):
the whole set-up, pip included, runs in CI on every fresh machine.
"""

import hashlib
import http.server
import importlib.util
import io
import tarfile
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "lib" / "odoo_bootstrap.py"
_spec = importlib.util.spec_from_file_location("odoo_bootstrap", SCRIPT)
boot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(boot)

RELEASE = "version_info = ({major}, 0, 0, FINAL, 0, '')\nserie = '{major}.0'\n"
REQUIREMENTS = (
    "psycopg2==2.9.5 ; python_version == '3.11'\n"
    "python-ldap==3.4.0 ; sys_platform != 'win32'\n"
    "requests==2.31.0\n"
)


def make_archive(path, major=18, top="odoo-18.0"):
    files = {
        f"{top}/odoo/release.py": RELEASE.format(major=major),
        f"{top}/odoo/__init__.py": "",
        f"{top}/setup/odoo": "#!/usr/bin/env python3\n",
        f"{top}/requirements.txt": REQUIREMENTS,
        # enough bytes for a truncation to cut inside the compressed stream
        f"{top}/odoo/addons/filler.txt": "".join(
            f"{i:08x}{hashlib.sha256(str(i).encode()).hexdigest()}\n"
            for i in range(4000)
        ),
    }
    with tarfile.open(path, "w:xz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Server:
    """A loopback HTTP server for one file; ``truncate`` sends half of it while
    announcing the whole length."""

    def __init__(self, path, truncate=False):
        self.path = path
        self.truncate = truncate
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                outer.requests += 1
                data = outer.path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if outer.truncate else data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name=None):
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}/{name or self.path.name}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def installed(cache):
    return sorted(
        p.name for p in (cache / "odoo").glob("18.0-*") if (p / ".ready").exists()
    )


def leftovers(cache):
    """Anything a failed set-up could leave behind for a later run to pick up."""
    found = [p.name for p in (cache / "odoo").glob("*18.0-*")]
    found += (
        [p.name for p in (cache / "downloads").glob("*")]
        if (cache / "downloads").exists()
        else []
    )
    return found


def test_download_over_loopback_is_verified_unpacked_and_reused(tmp_path):
    archive = tmp_path / "odoo_18.0.tar.xz"
    checksum = make_archive(archive)
    cache = tmp_path / "cache"
    with _Server(archive) as server:
        launcher = boot.bootstrap(
            "18.0", server.url(), checksum, cache, with_venv=False
        )
        assert server.requests == 1
        root = launcher.parent.parent
        assert root.name == f"18.0-{checksum[:16]}"
        assert (root / "src" / "odoo" / "release.py").exists()
        assert (root / ".ready").read_text().strip() == checksum
        assert launcher.stat().st_mode & 0o111
        assert "src/setup/odoo" in launcher.read_text()
        # the download itself is not kept once unpacked
        assert not list((cache / "downloads").glob("*"))
        # a second run finds it ready and downloads nothing
        again = boot.bootstrap("18.0", server.url(), checksum, cache, with_venv=False)
        assert again == launcher
        assert server.requests == 1


def test_unlisted_url_is_remembered_and_not_downloaded_again(tmp_path):
    archive = tmp_path / "odoo_18.0.latest.tar.xz"
    make_archive(archive)
    cache = tmp_path / "cache"
    with _Server(archive) as server:
        first = boot.bootstrap("18.0", server.url(), None, cache, with_venv=False)
        second = boot.bootstrap("18.0", server.url(), None, cache, with_venv=False)
    assert first == second
    assert server.requests == 1


def test_checksum_mismatch_is_refused_and_nothing_kept(tmp_path):
    archive = tmp_path / "odoo_18.0.tar.xz"
    make_archive(archive)
    cache = tmp_path / "cache"
    with (
        _Server(archive) as server,
        pytest.raises(boot.BootstrapError, match="checksum mismatch"),
    ):
        boot.bootstrap("18.0", server.url(), "0" * 64, cache, with_venv=False)
    assert installed(cache) == []
    assert leftovers(cache) == []


def test_listed_archive_name_with_other_content_is_refused(tmp_path):
    """A file named like a known archive must have the listed checksum."""
    name = "odoo-18.0-20250925-aici.tar.xz"
    assert boot.known_checksum(name)
    archive = tmp_path / name
    make_archive(archive)  # same name, other bytes
    cache = tmp_path / "cache"
    with (
        _Server(archive) as server,
        pytest.raises(boot.BootstrapError, match="checksum mismatch"),
    ):
        boot.bootstrap("18.0", server.url(), None, cache, with_venv=False)
    with pytest.raises(boot.BootstrapError, match="checksum mismatch"):
        boot.bootstrap("18.0", str(archive), None, cache, with_venv=False)
    assert leftovers(cache) == []


def test_truncated_download_is_refused_and_removed(tmp_path):
    archive = tmp_path / "odoo_18.0.tar.xz"
    checksum = make_archive(archive)
    cache = tmp_path / "cache"
    with _Server(archive, truncate=True) as server:
        with pytest.raises(boot.BootstrapError, match="incomplete|interrupted"):
            boot.bootstrap("18.0", server.url(), checksum, cache, with_venv=False)
        # even without an expected checksum the short read is caught
        with pytest.raises(boot.BootstrapError, match="incomplete|interrupted"):
            boot.bootstrap("18.0", server.url(), None, cache, with_venv=False)
    assert installed(cache) == []
    assert leftovers(cache) == []


def test_truncated_local_archive_is_refused(tmp_path):
    archive = tmp_path / "odoo.tar.xz"
    make_archive(archive)
    cut = tmp_path / "cut.tar.xz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size * 2 // 3])
    cache = tmp_path / "cache"
    with pytest.raises(boot.BootstrapError, match="truncated or corrupted"):
        boot.bootstrap("18.0", str(cut), None, cache, with_venv=False)
    assert installed(cache) == []
    assert leftovers(cache) == []


def test_archive_of_another_series_is_refused(tmp_path):
    archive = tmp_path / "odoo_19.tar.xz"
    make_archive(archive, major=19, top="odoo-19.0")
    cache = tmp_path / "cache"
    with pytest.raises(boot.BootstrapError, match="Odoo 19.0, not Odoo 18.0"):
        boot.bootstrap("18.0", str(archive), None, cache, with_venv=False)
    assert leftovers(cache) == []


def test_requirements_need_no_libpq_nor_ldap(tmp_path):
    root = tmp_path / "src"
    root.mkdir()
    (root / "requirements.txt").write_text(REQUIREMENTS)
    lines = boot.filtered_requirements(root).splitlines()
    assert "psycopg2-binary==2.9.5 ; python_version == '3.11'" in lines
    assert not [line for line in lines if "ldap" in line]
    assert "requests==2.31.0" in lines
    assert {"phonenumbers", "websocket-client"} <= set(lines)


def test_command_line_reports_a_clear_failure(tmp_path, capsys):
    code = boot.main(
        [
            "--archive",
            str(tmp_path / "missing.tar.gz"),
            "--cache",
            str(tmp_path),
            "--no-venv",
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "could not be set up" in err
    assert "no such file" in err
