"""The documentation screenshots, taken from the running demo in headless Chromium.

Called by ``scripts/screenshots`` once Odoo answers (it starts the product as
``scripts/run`` does); can also be pointed at any running demo::

    python scripts/lib/screenshots.py --url http://127.0.0.1:8069 --db aici_demo \
        --out static/description/screenshots [--only NAME ...] [--list]

It logs in over JSON-RPC (the demo admin, interface in French), finds the demo
records by search (never by id), drives Chromium through the DevTools protocol
(one websocket: navigate, wait until the page is idle, click a notebook tab or a
button in the DOM, capture a PNG at a fixed viewport) and writes one PNG per
screen. A screen that cannot be reached fails with a message naming what was
waited for; the others are still taken, and the exit code is 1.

Each screen is a small function at the end of this file (``SCREENS``): the
action's xmlid, the record's search domain, the tab or button to click. The
state keys used to find records are the add-on's selection keys.

Needs the standard library, ``websocket-client`` (in Odoo's virtualenv) and a
Chromium; Pillow (also in Odoo's virtualenv), ``pngquant`` or ``optipng`` shrink
the PNGs when present; ``pdftoppm`` renders the attestation's PDF.
"""

import argparse
import base64
import http.cookiejar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

VIEWPORT = (1400, 900)
# Requests that never "finish" while a page is open.
LONG_LIVED_TYPES = frozenset({"WebSocket", "EventSource"})
# The page is ready: Odoo's web client drew an action, nothing is loading.
READY_JS = """(() => {
    if (document.readyState !== 'complete') return 'document en chargement';
    if (document.querySelector('.o_error_dialog')) return 'ERROR';
    const manager = document.querySelector('.o_action_manager');
    if (!manager || !manager.children.length) return 'aucune action affichée';
    const busy = document.querySelector('.o_loading_indicator, .o_blockUI');
    if (busy) return 'chargement en cours';
    return '';
})()"""
# No caret, no animation: the same pixels on every run.
STILL_CSS = """*, *::before, *::after {
    transition: none !important; animation: none !important;
    caret-color: transparent !important; }"""


class ScreenError(Exception):
    """A screen could not be reached; the message says what was waited for."""


# ---------------------------------------------------------------- pure helpers
def read_devtools_port(user_data_dir):
    """(port, browser websocket path) from Chromium's DevToolsActivePort file, or
    None while Chromium has not written it yet."""
    try:
        lines = (Path(user_data_dir) / "DevToolsActivePort").read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 2 or not lines[0].strip().isdigit():
        return None
    return int(lines[0]), lines[1].strip()


class InflightRequests:
    """The page's HTTP requests still running, from the DevTools Network events.

    Long-lived ones are left out: websockets and event streams, and any request
    running for more than ``stale_after`` seconds (the bus's shared worker script
    never reports its end to the page)."""

    def __init__(self, stale_after=10.0):
        self.stale_after = stale_after
        self.running = {}  # request id -> (url, start time)

    def feed(self, method, params, now):
        if method == "Network.requestWillBeSent":
            if params.get("type") not in LONG_LIVED_TYPES:
                self.running[params["requestId"]] = (params["request"]["url"], now)
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            self.running.pop(params.get("requestId"), None)

    def busy(self, now):
        """The URLs of the requests that keep the page busy at ``now``."""
        return [
            url
            for url, start in self.running.values()
            if now - start < self.stale_after
        ]

    def clear(self):
        self.running.clear()


def clip_rect(rect, viewport, margin=8, from_top=False):
    """The capture clip around a measured rect (x, y, width, height), kept in the
    viewport; ``from_top``: from the top left corner of the page down to the
    rect's bottom."""
    width, height = viewport
    if from_top:
        x, y, right = 0, 0, width
    else:
        x = max(0, int(rect["x"]) - margin)
        y = max(0, int(rect["y"]) - margin)
        right = min(width, int(rect["x"] + rect["width"] + 0.999) + margin)
    bottom = min(height, int(rect["y"] + rect["height"] + 0.999) + margin)
    if right <= x or bottom <= y:
        raise ScreenError("l'élément à capturer est hors de la page")
    return {"x": x, "y": y, "width": right - x, "height": bottom - y, "scale": 1}


def viewport_height_for(rect, viewport, margin=8, limit=4000):
    """The viewport height showing the whole measured rect (its bottom, plus
    what its inner scrollbars hide), or None when the viewport suffices."""
    needed = int(rect["y"] + rect["height"] + rect.get("overflow", 0) + 0.999) + margin
    if needed <= viewport[1]:
        return None
    return min(needed, limit)


# Scroll the nearest scrollable ancestor of an element (or of the first of a
# list) so that it shows at its top; never the page itself (Odoo's web client
# scrolls its content, and scrolling the page would hide the navigation bar).
SCROLL_TO_JS = """((found) => {
    const el = [].concat(found).filter(Boolean)
        .sort((a, b) => a.getBoundingClientRect().top
                        - b.getBoundingClientRect().top)[0];
    if (!el) return false;
    let box = el.parentElement;
    const scrolls = (e) => /(auto|scroll)/.test(getComputedStyle(e).overflowY)
        && e.scrollHeight > e.clientHeight;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    if (box && box !== document.body) {
        box.scrollTop += el.getBoundingClientRect().top
            - box.getBoundingClientRect().top - 16;
    }
    return true;
})(%s)"""


# The union of the bounding rects of an element or a list of elements (a
# JavaScript expression), and how much their inner scrollbars hide.
MEASURE_JS = """((found) => {
    const els = [].concat(found).filter(Boolean);
    if (!els.length) return null;
    let top = Infinity, left = Infinity, right = -Infinity, bottom = -Infinity;
    let overflow = 0;
    for (const el of els) {
        const r = el.getBoundingClientRect();
        top = Math.min(top, r.top); left = Math.min(left, r.left);
        right = Math.max(right, r.right); bottom = Math.max(bottom, r.bottom);
        for (const d of [el, ...el.querySelectorAll('*')]) {
            const style = getComputedStyle(d).overflowY;
            const scrolls = style === 'auto' || style === 'scroll';
            if (scrolls && d.scrollHeight > d.clientHeight + 1) {
                overflow = Math.max(overflow, d.scrollHeight - d.clientHeight);
            }
        }
    }
    return {x: left, y: top, width: right - left, height: bottom - top, overflow};
})(%s)"""


def action_url(base_url, xmlid, record_id=None):
    """Odoo 18's URL of an action (by xmlid), optionally opened on a record."""
    url = f"{base_url}/odoo/action-{xmlid}"
    return f"{url}/{record_id}" if record_id else url


# ---------------------------------------------------------------- Odoo over JSON-RPC
class Odoo:
    def __init__(self, base_url, db):
        self.base_url = base_url.rstrip("/")
        self.db = db
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.context = {}

    def _post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        request = urllib.request.Request(
            self.base_url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with self.opener.open(request, timeout=120) as response:
                answer = json.loads(response.read())
        except (OSError, ValueError) as error:
            raise ScreenError(f"Odoo ne répond pas à {path} : {error}") from error
        if answer.get("error"):
            error = answer["error"]
            message = error.get("data", {}).get("message") or error.get("message")
            raise ScreenError(f"Odoo a répondu une erreur à {path} : {message}")
        return answer["result"]

    def login(self, login, password):
        result = self._post(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        if not result or not result.get("uid"):
            raise ScreenError(f"connexion refusée pour {login!r} sur la base {self.db}")
        self.context = result.get("user_context") or {}
        return result

    @property
    def session_id(self):
        for cookie in self.jar:
            if cookie.name == "session_id":
                return cookie.value
        raise ScreenError("Odoo n'a pas donné de cookie de session")

    def call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", self.context)
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def find(self, model, domain, what, order=None, fields=("display_name",)):
        """The first record matching ``domain``, as a dict, or a ScreenError
        saying which demo record is missing."""
        records = self.call(
            model, "search_read", domain, fields=list(fields), limit=1, order=order
        )
        if not records:
            raise ScreenError(
                f"aucun enregistrement de la démo : {what} ({model} {domain})"
            )
        return records[0]

    def download(self, path):
        with self.opener.open(self.base_url + path, timeout=120) as response:
            return response.read()


# ---------------------------------------------------------------- Chromium over CDP
def find_chromium():
    for name in (
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ):
        path = shutil.which(name)
        if path:
            return path
    raise ScreenError(
        "Chromium introuvable : installez-le (sudo apt-get install chromium)"
    )


class Browser:
    """One headless Chromium and the websocket of its one page."""

    def __init__(self, lang="fr-FR"):
        import websocket  # websocket-client, in Odoo's virtualenv

        self._websocket = websocket
        self.profile = tempfile.mkdtemp(prefix="aici-screenshots-")
        args = [
            find_chromium(),
            "--headless",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={self.profile}",
            f"--lang={lang}",
            f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
            "--force-device-scale-factor=1",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-background-timer-throttling",
            "--disable-renderer-backgrounding",
            "--disable-dev-shm-usage",
            "--disable-translate",
            "--mute-audio",
            "about:blank",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, LANGUAGE="fr_FR", LANG="fr_FR.UTF-8"),
        )
        self.ws = None
        self.next_id = 0
        self.inflight = InflightRequests()
        self.errors = []
        self.viewport = VIEWPORT
        try:
            self._connect()
        except BaseException:
            self.close()
            raise

    def _connect(self, timeout=30):
        deadline = time.monotonic() + timeout
        found = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ScreenError(
                    f"Chromium s'est arrêté (code {self.process.returncode})"
                )
            found = read_devtools_port(self.profile)
            if found:
                break
            time.sleep(0.2)
        if not found:
            raise ScreenError(
                f"Chromium n'a pas ouvert son port DevTools en {timeout} s"
            )
        port = found[0]
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/json/list", timeout=10
        ) as r:
            targets = json.loads(r.read())
        pages = [t for t in targets if t.get("type") == "page"]
        if not pages:
            raise ScreenError("Chromium n'a pas de page ouverte")
        self.ws = self._websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        for domain in ("Page", "Network", "Runtime"):
            self.send(f"{domain}.enable")
        self.send(
            "Page.addScriptToEvaluateOnNewDocument",
            source=(
                "document.addEventListener('DOMContentLoaded', () => {"
                " const s = document.createElement('style');"
                f" s.textContent = {json.dumps(STILL_CSS)};"
                " document.head.appendChild(s); });"
            ),
        )
        self.set_viewport(*VIEWPORT)

    # -- protocol
    def _receive(self, timeout):
        self.ws.settimeout(timeout)
        try:
            raw = self.ws.recv()
        except self._websocket.WebSocketTimeoutException:
            return None
        message = json.loads(raw)
        if "method" in message:
            self._event(message["method"], message.get("params", {}))
        return message

    def _event(self, method, params):
        self.inflight.feed(method, params, time.monotonic())
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get(
                "text"
            )
            self.errors.append(str(text).splitlines()[0])
        elif method == "Page.javascriptDialogOpening":
            self.errors.append(f"dialog: {params.get('message')}")
            self.ws.send(
                json.dumps(
                    {
                        "id": 0,
                        "method": "Page.handleJavaScriptDialog",
                        "params": {"accept": True},
                    }
                )
            )

    def send(self, method, timeout=60, **params):
        self.next_id += 1
        ident = self.next_id
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self._receive(max(0.05, deadline - time.monotonic()))
            if message and message.get("id") == ident:
                if "error" in message:
                    raise ScreenError(f"{method} : {message['error'].get('message')}")
                return message.get("result", {})
        raise ScreenError(f"Chromium n'a pas répondu à {method} en {timeout} s")

    def pump(self, seconds):
        """Read the events of ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._receive(max(0.01, deadline - time.monotonic()))

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get(
                "text"
            )
            raise ScreenError(f"erreur JavaScript : {text}")
        return result.get("result", {}).get("value")

    # -- page
    def set_viewport(self, width, height):
        self.viewport = (width, height)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def set_timezone(self, tz):
        """The browser's time zone: Odoo's web client shows date-times in it."""
        self.send("Emulation.setTimezoneOverride", timezoneId=tz)

    def set_cookie(self, url, name, value):
        self.send("Network.setCookie", url=url, name=name, value=value, path="/")

    def navigate(self, url):
        self.inflight.clear()
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise ScreenError(f"{url} : {result['errorText']}")

    def wait_idle(self, what, selector=None, timeout=45, quiet=0.8):
        """Wait until Odoo drew an action (and ``selector`` when given), nothing
        loads and no request has run for ``quiet`` seconds."""
        check = READY_JS
        if selector:
            check = (
                f"(() => {{ const r = {READY_JS}; if (r) return r;"
                f" return document.querySelector({json.dumps(selector)})"
                f" ? '' : 'attente de ' + {json.dumps(selector)}; }})()"
            )
        deadline = time.monotonic() + timeout
        quiet_since = None
        state = "?"
        while time.monotonic() < deadline:
            self.pump(0.1)
            state = self.evaluate(check)
            if state == "ERROR":
                text = self.evaluate(
                    "document.querySelector('.o_error_dialog').innerText"
                )
                raise ScreenError(f"{what} : Odoo affiche une erreur : {text[:500]}")
            if state or self.inflight.busy(time.monotonic()):
                quiet_since = None
                continue
            if quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                self.evaluate("document.fonts.ready.then(() => true)")
                return
        pending = ", ".join(self.inflight.busy(time.monotonic())[:3])
        raise ScreenError(
            f"{what} : page pas prête après {timeout} s"
            f" ({state or 'requêtes en cours : ' + pending})"
        )

    def click(self, selector, what):
        """Click the first visible element matching ``selector``."""
        done = self.evaluate(
            f"""(() => {{
                const el = [...document.querySelectorAll({json.dumps(selector)})]
                    .find(e => e.offsetParent !== null);
                if (!el) return false;
                el.scrollIntoView({{block: 'center'}});
                el.click();
                return true;
            }})()"""
        )
        if not done:
            raise ScreenError(f"{what} : rien de visible ne correspond à {selector}")

    def measure(self, elements):
        """The rect of ``elements`` (a JavaScript expression giving an element or
        a list of them), with ``overflow``: what inner scrollbars hide."""
        return self.evaluate(MEASURE_JS % elements)

    def capture(self, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = clip
        return base64.b64decode(self.send("Page.captureScreenshot", **params)["data"])

    def close(self):
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # closing anyway, whatever the socket says
                pass
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------- PNG size
def shrink_png(path):
    """Make the PNG smaller when a tool is there: pngquant (256 colours, as the
    screen has few), else Pillow's palette, then optipng (lossless)."""
    path = Path(path)
    if shutil.which("pngquant"):
        subprocess.run(
            [
                "pngquant",
                "--force",
                "--skip-if-larger",
                "--quality=80-100",
                "--output",
                str(path),
                str(path),
            ],
            check=False,
            capture_output=True,
        )
    else:
        try:
            from PIL import Image
        except ImportError:
            Image = None
        if Image is not None:
            with Image.open(path) as image:
                image.load()
            rgb = image.convert("RGB")
            palette = rgb.quantize(
                colors=256, method=Image.Quantize.MEDIANCUT, dither=0
            )
            palette.save(path, optimize=True)
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", str(path)], check=False)


# ---------------------------------------------------------------- a session
def first(selector):
    """The JavaScript expression of the first element matching ``selector``."""
    return f"document.querySelector({json.dumps(selector)})"


class Session:
    """What a screen function uses: Odoo's records, the browser, the output."""

    def __init__(self, odoo, browser, out_dir):
        self.odoo = odoo
        self.browser = browser
        self.out_dir = Path(out_dir)
        self.written = []

    def find(self, model, domains, what, **kwargs):
        """The first record of the first domain of ``domains`` that matches."""
        for domain in domains[:-1]:
            records = self.odoo.call(
                model,
                "search_read",
                domain,
                fields=list(kwargs.get("fields", ["display_name"])),
                limit=1,
                order=kwargs.get("order"),
            )
            if records:
                return records[0]
        return self.odoo.find(model, domains[-1], what, **kwargs)

    def open_action(self, xmlid, record_id=None, selector=None, what=None):
        what = what or xmlid
        self.browser.navigate(action_url(self.odoo.base_url, xmlid, record_id))
        self.browser.wait_idle(what, selector)

    def open_form(self, xmlid, record, what):
        self.open_action(
            xmlid,
            record["id"],
            ".o_form_view .o_form_sheet",
            f"{what} ({record['display_name']})",
        )

    def tab(self, name, what):
        self.browser.click(f'.o_notebook_headers a[name="{name}"]', what)
        self.browser.wait_idle(what, f'.o_notebook_headers a.active[name="{name}"]')

    def click(self, selector, what, wait_for=None):
        self.browser.click(selector, what)
        self.browser.wait_idle(what, wait_for)

    def scroll_top(self):
        self.browser.evaluate(
            "document.querySelectorAll('.o_content, .o_form_view_container,"
            " .modal-body').forEach(e => e.scrollTop = 0); window.scrollTo(0, 0)"
        )

    def shoot(self, name, element=None, down_to=None, margin=None):
        """Capture ``name``.png: the viewport; or ``element`` whole (a JavaScript
        expression giving one element or a list); or the page from its top down
        to the bottom of ``down_to`` (same). The viewport grows for what is
        taller than it, then comes back."""
        if margin is None:
            margin = 4 if down_to else 8
        browser = self.browser
        target = element or down_to
        self.scroll_top()
        if element:
            browser.evaluate(SCROLL_TO_JS % element)
        clip = None
        if target:
            rect = browser.measure(target)
            if rect is None:
                raise ScreenError(f"{name} : rien à capturer ({target})")
            for _attempt in range(4):
                height = viewport_height_for(rect, browser.viewport, margin)
                if height is None:
                    break
                browser.set_viewport(browser.viewport[0], height)
                browser.wait_idle(name, quiet=0.3)
                self.scroll_top()
                if element:
                    browser.evaluate(SCROLL_TO_JS % element)
                rect = browser.measure(target)
            clip = clip_rect(rect, browser.viewport, margin, from_top=bool(down_to))
        png = browser.capture(clip)
        if browser.viewport != VIEWPORT:
            browser.set_viewport(*VIEWPORT)
        return self.save(name, png)

    def save(self, name, png):
        path = self.out_dir / f"{name}.png"
        path.write_bytes(png)
        shrink_png(path)
        self.written.append(path)
        return path


# ---------------------------------------------------------------- the screens
# Each screen finds its demo records by search (the add-on's selection keys),
# opens them by the action's xmlid, clicks in the DOM and captures. To adjust a
# screen after a change of the views, change its function only.
INVOICES = "l10n_fr_aici.account_move_action_aici"
CLIENTS = "l10n_fr_aici.res_partner_action_aici"
SHEET = first(".o_form_view .o_form_sheet")


def screen_invoices(s):
    """Factures de l'avance immédiate, grouped by state (the menu's default)."""
    s.open_action(INVOICES, selector=".o_list_view .o_group_header", what="factures")
    s.shoot("invoices_by_state")


def _invoice(s, name, states, what):
    move = s.find(
        "account.move",
        [
            [("move_type", "=", "out_invoice"), ("l10n_fr_aici_state", "=", state)]
            for state in states
        ],
        what,
        order="invoice_date desc, id desc",
    )
    s.open_form(INVOICES, move, what)
    s.tab("aici", f"{what} : onglet Avance immédiate")
    s.shoot(name, down_to=SHEET)


def screen_invoice_ready(s):
    """An invoice ready to send, on its Avance immédiate tab."""
    _invoice(s, "invoice_ready", ["ready"], "facture prête à envoyer")


def screen_invoice_waiting(s):
    """An invoice waiting for the client's validation, on its Avance immédiate tab."""
    _invoice(
        s, "invoice_waiting_client", ["waiting_client"], "facture en attente du client"
    )


def screen_invoice_refused(s):
    """An invoice refused by the client (else cancelled), on its Avance immédiate
    tab."""
    _invoice(
        s, "invoice_refused", ["refused", "cancelled"], "facture refusée ou annulée"
    )


def _client(s, domains, what):
    partner = s.find(
        "res.partner",
        [[("is_company", "=", False), *d] for d in domains],
        what,
        order="id",
    )
    s.open_form(CLIENTS, partner, what)
    s.tab("aici", f"{what} : onglet Avance immédiate")
    return partner


# The demo's client to enrol whose data was pre-filled from the contact and has
# problems to fix; else any client to enrol.
TO_ENROL = [
    [
        ("l10n_fr_aici_state", "=", "not_enrolled"),
        ("l10n_fr_aici_first_names", "!=", False),
        ("l10n_fr_aici_data_checked", "=", False),
    ],
    [
        ("l10n_fr_aici_state", "=", "not_enrolled"),
        ("l10n_fr_aici_first_names", "!=", False),
    ],
]
# The client's tab down to its last group of fields (the exchange journal below
# them is left out: it is long and shown on its own screen).
CLIENT_FIELDS = """[...document.querySelectorAll(
        '.o_notebook .tab-pane .o_inner_group')]
    .filter(group => !group.querySelector('.o_field_x2many'))"""


def screen_client_active(s):
    """An active client, on the contact's Avance immédiate tab."""
    _client(s, [[("l10n_fr_aici_state", "=", "active")]], "client actif")
    s.shoot("client_active", down_to=CLIENT_FIELDS)


def screen_client_to_enrol(s):
    """A client not enrolled yet, on the contact's Avance immédiate tab."""
    _client(s, TO_ENROL, "client à inscrire")
    s.shoot("client_to_enrol", down_to=CLIENT_FIELDS)


def screen_enrolment_wizard(s):
    """The enrolment wizard, opened with Inscrire from a client not enrolled."""
    _client(s, TO_ENROL, "client à inscrire")
    s.click(
        '.o_notebook button[name="action_aici_open_enrolment"]',
        "bouton Inscrire",
        wait_for=".modal .o_form_view",
    )
    s.shoot("enrolment_wizard", element=first(".modal .modal-content"))


# The settings block: its title, its tip and its settings (Odoo draws no element
# for the block itself).
SETTINGS_BLOCK = """(() => {
    const box = document.querySelector('#l10n_fr_aici_credentials')
        .closest('.o_settings_container');
    const found = [box];
    for (let el = box.previousElementSibling; el && /^H[23]$/.test(el.tagName);
         el = el.previousElementSibling) found.push(el);
    return found;
})()"""


def screen_settings(s):
    """The settings block of the avance immédiate (Paramètres › Facturation)."""
    s.open_action(
        "account.action_account_config",
        selector="#l10n_fr_aici_credentials",
        what="paramètres de la facturation",
    )
    s.shoot("settings", element=SETTINGS_BLOCK)


def screen_payment_requests(s):
    """Demandes de paiement: one row per request sent to Urssaf."""
    s.open_action(
        "l10n_fr_aici.l10n_fr_aici_payment_request_action",
        selector=".o_list_view",
        what="demandes de paiement",
    )
    s.shoot("payment_requests")


def screen_exchange_journal(s):
    """The journal of the exchanges with Urssaf, one row per HTTP call."""
    s.open_action(
        "l10n_fr_aici.l10n_fr_aici_exchange_action",
        selector=".o_list_view",
        what="journal des échanges",
    )
    s.shoot("exchange_journal")


def screen_transfers(s):
    """Virements Urssaf, by day, the latest day opened."""
    s.open_action(
        "l10n_fr_aici.l10n_fr_aici_transfer_action",
        selector=".o_list_view .o_group_header",
        what="virements Urssaf",
    )
    s.click(
        ".o_list_view .o_group_header",
        "premier jour de virements",
        wait_for=".o_list_view .o_data_row",
    )
    s.shoot("urssaf_transfers")


def screen_tax_attestation(s):
    """A generated tax attestation, and the first page of its PDF."""
    what = "attestation fiscale générée"
    attestation = s.find(
        "l10n_fr_aici.tax.attestation",
        [[("state", "in", ("done", "sent"))]],
        what,
        order="year desc, id",
    )
    s.open_form("l10n_fr_aici.l10n_fr_aici_tax_attestation_action", attestation, what)
    s.shoot("tax_attestation", down_to=SHEET)
    # The PDF as the running server renders it (wkhtmltopdf reaches its styles).
    if not shutil.which("pdftoppm"):
        print("      (pas d'image du PDF : pdftoppm absent, paquet poppler-utils)")
        return
    pdf = s.odoo.download(
        f"/report/pdf/l10n_fr_aici.report_tax_attestation/{attestation['id']}"
    )
    if not pdf.startswith(b"%PDF"):
        raise ScreenError(f"{what} : le rapport PDF n'a pas été rendu")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "attestation.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-scale-to-x",
                "900",
                "-scale-to-y",
                "-1",
                "-singlefile",
                str(source),
                str(Path(tmp) / "page"),
            ],
            check=True,
            capture_output=True,
        )
        s.save("tax_attestation_pdf", (Path(tmp) / "page.png").read_bytes())


SCREENS = {
    "invoices": screen_invoices,
    "invoice_ready": screen_invoice_ready,
    "invoice_waiting": screen_invoice_waiting,
    "invoice_refused": screen_invoice_refused,
    "client_active": screen_client_active,
    "client_to_enrol": screen_client_to_enrol,
    "enrolment_wizard": screen_enrolment_wizard,
    "settings": screen_settings,
    "payment_requests": screen_payment_requests,
    "exchange_journal": screen_exchange_journal,
    "transfers": screen_transfers,
    "tax_attestation": screen_tax_attestation,
}


def select_screens(names):
    """The screens to take, in SCREENS' order; unknown names are an error."""
    if not names:
        return list(SCREENS)
    unknown = [n for n in names if n not in SCREENS]
    if unknown:
        raise SystemExit(
            f"écran inconnu : {', '.join(unknown)} (connus : {', '.join(SCREENS)})"
        )
    return [n for n in SCREENS if n in names]


def _capture_failure(browser, path):
    """What the page showed when a screen failed, for the diagnosis."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(browser.capture())
        print(f"      page au moment de l'échec : {path}", file=sys.stderr)
    except ScreenError:
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="aici_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="static/description/screenshots")
    parser.add_argument("--only", nargs="*", default=[], metavar="SCREEN")
    parser.add_argument("--list", action="store_true", help="list the screens")
    parser.add_argument(
        "--failed-dir", help="where to put a capture of each screen that failed"
    )
    args = parser.parse_args(argv)
    if args.list:
        for name, function in SCREENS.items():
            print(f"{name:18} {' '.join((function.__doc__ or '').split())}")
        return 0
    names = select_screens(args.only)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    odoo = Odoo(args.url, args.db)
    try:
        odoo.login(args.login, args.password)
        browser = Browser()
    except ScreenError as error:
        print(f"ÉCHEC : {error}", file=sys.stderr)
        return 1
    failures = []
    try:
        browser.set_cookie(odoo.base_url, "session_id", odoo.session_id)
        browser.set_timezone(odoo.context.get("tz") or "Europe/Paris")
        session = Session(odoo, browser, out)
        for name in names:
            start = time.monotonic()
            before = len(session.written)
            browser.errors.clear()
            try:
                SCREENS[name](session)
            except ScreenError as error:
                failures.append(f"{name} : {error}")
                print(f"ÉCHEC {name} : {error}", file=sys.stderr)
                if args.failed_dir:
                    _capture_failure(browser, Path(args.failed_dir) / f"{name}.png")
                continue
            for path in session.written[before:]:
                size = path.stat().st_size // 1024
                shown = os.path.relpath(path) if path.is_absolute() else path
                print(f"  {shown}  ({size} Kio, {time.monotonic() - start:.1f} s)")
            for error in browser.errors:
                print(f"      erreur JavaScript de la page : {error}", file=sys.stderr)
    finally:
        browser.close()
    if failures:
        print(f"\n{len(failures)} écran(s) non capturé(s) :", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
