"""The pure parts of the screenshot driver (scripts/lib/screenshots.py): what it
reads from Chromium's profile, when it deems the page idle, what it captures.
The browser itself runs in `scripts/screenshots`, against the demo."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "lib" / "screenshots.py"
_spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
shots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shots)


def test_devtools_port_read_once_chromium_wrote_it(tmp_path):
    assert shots.read_devtools_port(tmp_path) is None
    (tmp_path / "DevToolsActivePort").write_text("")
    assert shots.read_devtools_port(tmp_path) is None  # being written
    (tmp_path / "DevToolsActivePort").write_text(
        "40213\n/devtools/browser/5e1c7a4e-0000\n"
    )
    assert shots.read_devtools_port(tmp_path) == (
        40213,
        "/devtools/browser/5e1c7a4e-0000",
    )


def _sent(request_id, url, kind="XHR"):
    return {"requestId": request_id, "type": kind, "request": {"url": url}}


def test_idle_once_every_request_ended_or_went_stale():
    requests = shots.InflightRequests(stale_after=10)
    requests.feed("Network.requestWillBeSent", _sent("1", "/web/dataset/call_kw"), 0)
    requests.feed("Network.requestWillBeSent", _sent("2", "/websocket", "WebSocket"), 0)
    requests.feed("Network.requestWillBeSent", _sent("3", "/bus/worker_bundle"), 1)
    assert requests.busy(2) == ["/web/dataset/call_kw", "/bus/worker_bundle"]
    requests.feed("Network.loadingFinished", {"requestId": "1"}, 3)
    assert requests.busy(3) == ["/bus/worker_bundle"]
    # a request that never reports its end stops counting after stale_after
    assert requests.busy(11.5) == []
    requests.feed("Network.requestWillBeSent", _sent("4", "/web/image"), 12)
    requests.feed("Network.loadingFailed", {"requestId": "4"}, 12.5)
    assert requests.busy(12.5) == []


def test_clip_around_an_element_stays_in_the_viewport():
    rect = {"x": 3.5, "y": 100.2, "width": 500, "height": 300.4}
    assert shots.clip_rect(rect, (1400, 900)) == {
        "x": 0, "y": 92, "width": 512, "height": 317, "scale": 1,
    }  # fmt: skip
    # from the top of the page down to the element's bottom, whole width
    assert shots.clip_rect(rect, (1400, 900), margin=4, from_top=True) == {
        "x": 0, "y": 0, "width": 1400, "height": 405, "scale": 1,
    }  # fmt: skip
    with pytest.raises(shots.ScreenError):
        shots.clip_rect({"x": 0, "y": 950, "width": 10, "height": 10}, (1400, 900), 0)


def test_viewport_grows_for_what_is_taller_or_scrolled_away():
    viewport = (1400, 900)
    assert shots.viewport_height_for({"y": 100, "height": 700}, viewport) is None
    assert shots.viewport_height_for({"y": 100, "height": 1200}, viewport) == 1308
    # a dialog whose body hides 400 px behind its scrollbar
    tall = {"y": 30, "height": 840, "overflow": 400}
    assert shots.viewport_height_for(tall, viewport) == 1278
    assert shots.viewport_height_for({"y": 0, "height": 9000}, viewport) == 4000


def test_screens_selected_in_their_order_and_unknown_names_refused():
    assert shots.select_screens([]) == list(shots.SCREENS)
    assert shots.select_screens(["settings", "invoices"]) == ["invoices", "settings"]
    with pytest.raises(SystemExit, match="écran inconnu : nope"):
        shots.select_screens(["settings", "nope"])
    assert (
        shots.action_url("http://h:1", "mod.act", 7)
        == "http://h:1/odoo/action-mod.act/7"
    )
