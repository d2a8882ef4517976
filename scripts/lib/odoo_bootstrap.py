"""Set up Odoo outside the repository, from a source archive, once per archive.

Used by ``scripts/lib/odoo.sh`` (standard library only)::

    python3 scripts/lib/odoo_bootstrap.py [--series 18.0] [--archive PATH_OR_URL]
        [--sha256 HEX] [--cache DIR] [--no-venv]

Prints progress on stderr and, as its last line on stdout, the path of an ``odoo``
launcher. Exit status 0 on success, 1 with a message on stderr otherwise.

Where the source comes from, first found wins:

1. ``--archive`` or ``$ODOO_ARCHIVE``: a local ``.tar.gz`` / ``.tar.xz`` or an
   http(s) URL;
2. Odoo's official nightly source archive of the series.

Checks, so that nothing half-made is ever used:

* the expected SHA-256 comes from ``--sha256``, ``$ODOO_ARCHIVE_SHA256`` or, for an
  archive whose file name is listed in ``odoo_archives.sha256`` beside this file,
  from that list; a mismatch is refused;
* a download whose length differs from the announced ``Content-Length``, or that
  breaks, is refused and removed;
* an archive that does not unpack whole (truncated, corrupted), or whose
  ``odoo/release.py`` is not of the requested series, is refused;
* everything is built in a temporary directory renamed into place at the end,
  under a lock: an interrupted set-up leaves nothing that a later run would use.

The cache (``$AICI_CACHE`` or ``~/.cache/l10n_fr_aici``) holds, under ``odoo/``, one
directory per series and archive checksum (``18.0-<sha256[:16]>``): the unpacked
source ``src/``, a virtualenv ``venv/`` and the launcher ``bin/odoo``.

The virtualenv gets Odoo's ``requirements.txt`` with two changes that need no
compiler or system library: ``psycopg2-binary`` for ``psycopg2`` (same version) and
no ``python-ldap`` (only the ``auth_ldap`` add-on uses it); plus ``phonenumbers``
(the French chart auto-installs ``account_peppol``, which needs it) and
``websocket-client`` (Odoo runs browser tours only when it is importable).
"""

import argparse
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
KNOWN_SUMS = HERE / "odoo_archives.sha256"
OFFICIAL_URL = (
    "https://nightly.odoo.com/{series}/nightly/tgz/odoo_{series}.latest.tar.gz"
)
EXTRA_PACKAGES = ["phonenumbers", "websocket-client"]
# Build back-ends of a few old sdists of Odoo's pins still import pkg_resources,
# which setuptools 81 removed.
BUILD_CONSTRAINTS = "setuptools<81\n"
CHUNK = 1 << 20


class BootstrapError(Exception):
    """A clear, final reason why Odoo could not be set up."""


def say(message):
    print(message, file=sys.stderr, flush=True)


def is_url(source):
    return re.match(r"^https?://", source or "") is not None


def known_checksum(name):
    """The SHA-256 listed for an archive file name, or None."""
    if not KNOWN_SUMS.exists():
        return None
    for line in KNOWN_SUMS.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and not line.startswith("#") and parts[1] == name:
            return parts[0].lower()
    return None


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url, target_dir):
    """Download ``url`` into ``target_dir``; return (path, sha256).

    The file is written as ``*.part`` and renamed only when whole: a short read
    (fewer bytes than ``Content-Length``) or a broken connection removes it.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    name = Path(urllib.request.urlparse(url).path).name or "odoo.tar.gz"
    part = target_dir / f"{name}.{os.getpid()}.part"
    digest = hashlib.sha256()
    received = 0
    say(f"  downloading {url}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            announced = response.headers.get("Content-Length")
            announced = int(announced) if announced and announced.isdigit() else None
            with open(part, "wb") as out:
                while True:
                    try:
                        chunk = response.read(CHUNK)
                    except Exception as exc:  # http.client.IncompleteRead, reset…
                        raise BootstrapError(
                            f"download of {url} interrupted after {received} bytes "
                            f"({exc.__class__.__name__}); nothing was kept"
                        ) from exc
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    received += len(chunk)
        if announced is not None and received != announced:
            raise BootstrapError(
                f"download of {url} incomplete: {received} of {announced} bytes; "
                "nothing was kept"
            )
    except (urllib.error.URLError, OSError) as exc:
        part.unlink(missing_ok=True)
        raise BootstrapError(f"could not download {url}: {exc}") from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    checksum = digest.hexdigest()
    final = target_dir / f"{checksum[:16]}-{name}"
    os.replace(part, final)
    seconds = time.monotonic() - started
    say(f"  {received / 1e6:.1f} MB received in {seconds:.0f} s")
    return final, checksum


def check_checksum(actual, expected, what):
    if expected and actual.lower() != expected.lower():
        raise BootstrapError(
            f"checksum mismatch for {what}: expected sha256 {expected}, got {actual}; "
            "the archive was not used"
        )


def unpack(archive, dest):
    """Unpack the archive into ``dest``; return the Odoo source root inside it."""
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(dest, **kwargs)  # noqa: S202 (filtered)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        # lzma.LZMAError and zlib.error are OSError / ValueError subclasses or
        # surface as EOFError on a truncated stream.
        raise BootstrapError(
            f"the archive {archive} is truncated or corrupted ({exc}); it was not used"
        ) from exc
    candidates = [p.parent.parent for p in dest.glob("*/odoo/release.py")]
    candidates += [dest] if (dest / "odoo" / "release.py").exists() else []
    if len(candidates) != 1:
        raise BootstrapError(
            f"{archive} does not look like an Odoo source archive "
            "(no single odoo/release.py inside)"
        )
    return candidates[0]


def source_series(root):
    text = (root / "odoo" / "release.py").read_text(encoding="utf-8")
    match = re.search(
        r"^version_info\s*=\s*\((?P<major>[^,]+),\s*(?P<minor>[^,]+),", text, re.M
    )
    if not match:
        raise BootstrapError(
            f"cannot read the version of {root / 'odoo' / 'release.py'}"
        )
    major = match.group("major").strip().strip("'\"")
    minor = match.group("minor").strip().strip("'\"")
    return f"{major}.{minor}".replace("saas~", "")


def filtered_requirements(root):
    """Odoo's requirements, installable without a compiler for libpq or LDAP."""
    lines = []
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if re.match(r"^python-ldap\b", stripped):
            continue
        lines.append(re.sub(r"^psycopg2\s*==", "psycopg2-binary==", stripped))
    return "\n".join(lines) + "\n" + "\n".join(EXTRA_PACKAGES) + "\n"


def make_venv(root, venv, python):
    say(f"  virtualenv ({python}) with Odoo's requirements (1 to 3 min)")
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    req = root.parent / "requirements-bootstrap.txt"
    req.write_text(filtered_requirements(root), encoding="utf-8")
    constraints = root.parent / "build-constraints.txt"
    constraints.write_text(BUILD_CONSTRAINTS, encoding="utf-8")
    env = dict(
        os.environ, PIP_CONSTRAINT=str(constraints), PIP_DISABLE_PIP_VERSION_CHECK="1"
    )
    log = root.parent / "pip.log"
    with open(log, "w", encoding="utf-8") as out:
        result = subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-r", str(req)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
    if result.returncode:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
        raise BootstrapError(
            "pip could not install Odoo's requirements:\n" + "\n".join(tail)
        )


LAUNCHER = """#!/bin/sh
# Odoo {series} set up by l10n_fr_aici's scripts (archive sha256 {checksum}).
here="$(cd "$(dirname "$0")/.." && pwd)"
PYTHONPATH="$here/src${{PYTHONPATH:+:$PYTHONPATH}}" \\
    exec "$here/venv/bin/python" "$here/src/setup/odoo" "$@"
"""


@contextlib.contextmanager
def locked(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def resolve_archive(source, expected, cache):
    """Return (local archive path, checksum) for a path or URL, verified."""
    if is_url(source):
        name = Path(urllib.request.urlparse(source).path).name
        expected = expected or known_checksum(name)
        path, checksum = download(source, cache / "downloads")
        try:
            check_checksum(checksum, expected, source)
        except BootstrapError:
            path.unlink(missing_ok=True)
            raise
        return path, checksum
    path = Path(source).expanduser()
    if not path.is_file():
        raise BootstrapError(f"ODOO_ARCHIVE={source}: no such file")
    expected = expected or known_checksum(path.name)
    checksum = file_sha256(path)
    check_checksum(checksum, expected, str(path))
    return path, checksum


def install_dir(cache, series, checksum):
    return cache / "odoo" / f"{series}-{checksum[:16]}"


def bootstrap(series, source, expected, cache, with_venv=True, python=None):
    """Set Odoo up (or find it set up); return the launcher's path."""
    python = python or sys.executable
    memo = None
    if is_url(source) and not expected:
        name = Path(urllib.request.urlparse(source).path).name
        expected = known_checksum(name)
        # An unlisted URL (such as the official "latest" nightly): remember which
        # archive it gave, so that later runs reuse it without downloading again.
        memo = (
            cache
            / "odoo"
            / "sources"
            / hashlib.sha256(source.encode()).hexdigest()[:16]
        )
        if not expected and memo.exists() and not os.environ.get("AICI_ODOO_REFRESH"):
            expected = memo.read_text(encoding="utf-8").strip()
    with locked(cache / "odoo" / ".lock"):
        if expected:
            ready = install_dir(cache, series, expected)
            if (ready / ".ready").exists() and (with_venv or (ready / "src").exists()):
                return ready / "bin" / "odoo"
        archive, checksum = resolve_archive(source, expected, cache)
        final = install_dir(cache, series, checksum)
        if (final / ".ready").exists():
            return final / "bin" / "odoo"
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        try:
            say(f"  unpacking {archive.name}")
            root = unpack(archive, work / "unpacked")
            found = source_series(root)
            if found != series:
                raise BootstrapError(
                    f"{archive.name} holds Odoo {found}, not Odoo {series}; "
                    "it was not used"
                )
            os.replace(root, work / "src")
            shutil.rmtree(work / "unpacked", ignore_errors=True)
            if with_venv:
                make_venv(work / "src", work / "venv", python)
            (work / "bin").mkdir()
            launcher = work / "bin" / "odoo"
            launcher.write_text(LAUNCHER.format(series=series, checksum=checksum))
            launcher.chmod(0o755)
            (work / ".ready").write_text(f"{checksum}\n", encoding="utf-8")
            if final.exists():  # an older, unfinished attempt
                shutil.rmtree(final)
            os.replace(work, final)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        if is_url(source) and str(archive).startswith(str(cache / "downloads")):
            archive.unlink(missing_ok=True)  # unpacked: the download is not needed
        if memo is not None:
            memo.parent.mkdir(parents=True, exist_ok=True)
            memo.write_text(checksum + "\n", encoding="utf-8")
        return final / "bin" / "odoo"


def default_cache():
    if os.environ.get("AICI_CACHE"):
        return Path(os.environ["AICI_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "l10n_fr_aici"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", default="18.0")
    parser.add_argument("--archive", default=os.environ.get("ODOO_ARCHIVE") or None)
    parser.add_argument(
        "--sha256", default=os.environ.get("ODOO_ARCHIVE_SHA256") or None
    )
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--python", default=os.environ.get("ODOO_PYTHON") or None)
    parser.add_argument("--no-venv", action="store_true", help="unpack and check only")
    args = parser.parse_args(argv)
    source = args.archive or OFFICIAL_URL.format(series=args.series)
    cache = (args.cache or default_cache()).resolve()
    try:
        launcher = bootstrap(
            args.series,
            source,
            args.sha256,
            cache,
            with_venv=not args.no_venv,
            python=args.python,
        )
    except BootstrapError as exc:
        say(f"Odoo {args.series} could not be set up: {exc}")
        return 1
    except subprocess.CalledProcessError as exc:
        say(f"Odoo {args.series} could not be set up: {exc}")
        return 1
    print(launcher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
