"""Firefox and WebKit for the built site, from Debian's packages (`scripts/provision.sh`).

No driver is downloaded:
* Firefox (firefox-esr) speaks WebDriver BiDi itself: it is started headless with
  `--remote-debugging-port` and driven over that WebSocket by the small client below
  (the protocol's `session.new`, `browsingContext.*`, `script.callFunction`,
  `input.performActions`). Debian has no geckodriver, which classic WebDriver would need.
* WebKit is WebKitGTK's MiniBrowser through WebKitWebDriver (webkit2gtk-driver) with
  Selenium's WebKitGTK driver. MiniBrowser is a GTK program, so it draws on an Xvfb display.

Both engines get the same small interface (`Engine`), so one test body runs in each. Page
errors are caught the same way in both: the test server adds a first script to every page
that records uncaught errors, rejected promises, failed loads and `console.error` calls.
"""

from __future__ import annotations

import asyncio
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path

import pytest

from tests.site.conftest import SITE

FIREFOX = os.environ.get("DOWNHILL_FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("DOWNHILL_WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
MINIBROWSER = next(iter(sorted(Path("/usr/lib").glob("*/webkit2gtk-4.*/MiniBrowser"))), None)
VIEWPORT = (1280, 900)

# Runs before any of the page's own scripts: every problem a reader's console would show.
CATCH = """<script>(function () {
  var p = window.__problems = [];
  window.addEventListener('error', function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) p.push('failed to load ' + (t.src || t.href));
    else p.push('error: ' + e.message + ' at ' + e.filename + ':' + e.lineno);
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    p.push('unhandled rejection: ' + e.reason);
  });
  var err = console.error;
  console.error = function () {
    p.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return err.apply(console, arguments);
  };
})();</script>"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_head(self):  # HTML pages get CATCH as the first thing in <head>
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        body = re.sub(r"<head[^>]*>", lambda m: m.group(0) + CATCH,
                      path.read_text(encoding="utf-8"), count=1).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        from io import BytesIO

        return BytesIO(body)


@pytest.fixture(scope="session")
def site_server():
    if not (SITE / "index.html").exists():
        pytest.fail(f"no built site at {SITE}: build the book first (make book)")
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(SITE))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


ARROWS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012"}


class Engine:
    """What the tests need from a browser: open a page, run a function in it, press a key,
    click a point of the viewport."""

    name = ""

    def goto(self, url: str) -> None: ...
    def call(self, function: str, *args):  # an async JS function's JSON-able result
        ...
    def press(self, key: str) -> None: ...
    def click(self, x: float, y: float) -> None: ...
    def close(self) -> None: ...


class _BiDi:
    """A minimal synchronous WebDriver BiDi client (commands only; events are skipped)."""

    def __init__(self, url: str):
        from tornado.websocket import websocket_connect

        async def connect():
            return await websocket_connect(url, max_message_size=64 * 2**20)

        self.loop = asyncio.new_event_loop()
        self.ws = self.loop.run_until_complete(connect())
        self.next_id = 0

    async def _exchange(self, method: str, params: dict, timeout: float) -> dict:
        self.next_id += 1
        mine = self.next_id
        await self.ws.write_message(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            raw = await asyncio.wait_for(self.ws.read_message(), timeout)
            if raw is None:
                raise RuntimeError(f"Firefox closed the BiDi connection during {method}")
            reply = json.loads(raw)
            if reply.get("id") == mine:
                if reply.get("type") == "error":
                    raise RuntimeError(f"{method}: {reply.get('error')}: {reply.get('message')}")
                return reply["result"]

    def send(self, method: str, params: dict, timeout: float = 60) -> dict:
        return self.loop.run_until_complete(self._exchange(method, params, timeout))

    def close(self):
        self.ws.close()
        self.loop.run_until_complete(asyncio.sleep(0.1))  # let the close frame go out
        self.loop.close()


class Firefox(Engine):
    name = "firefox"

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="downhill-firefox-")
        # no first-run pages, no updates, no network beyond the page itself
        Path(self.profile, "user.js").write_text(
            "\n".join(f'user_pref("{k}", {json.dumps(v)});' for k, v in {
                "browser.shell.checkDefaultBrowser": False,
                "app.update.enabled": False,
                "datareporting.policy.dataSubmissionEnabled": False,
                "toolkit.telemetry.reportingpolicy.firstRun": False,
                "network.captive-portal-service.enabled": False,
                "browser.safebrowsing.update.enabled": False,
                "extensions.update.enabled": False,
                "network.connectivity-service.enabled": False,
            }.items()) + "\n"
        )
        self.proc = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", self.profile,
             "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        url, seen, deadline = None, [], time.monotonic() + 60
        while url is None:
            line = self.proc.stderr.readline()
            if not line and (self.proc.poll() is not None or time.monotonic() > deadline):
                raise RuntimeError("Firefox did not start its BiDi server:\n" + "".join(seen))
            seen.append(line)
            m = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            url = m and m.group(1)
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()  # drain it
        try:
            self.bidi = _BiDi(url.rstrip("/") + "/session")
            self.bidi.send("session.new", {"capabilities": {}})
            tree = self.bidi.send("browsingContext.getTree", {})
            self.context = tree["contexts"][0]["context"]
            self.bidi.send("browsingContext.setViewport", {"context": self.context, "viewport": {
                "width": VIEWPORT[0], "height": VIEWPORT[1]}})
        except Exception:
            self._stop()
            raise

    def goto(self, url):
        self.bidi.send("browsingContext.navigate",
                       {"context": self.context, "url": url, "wait": "complete"})

    def call(self, function, *args):
        wrapper = (f"async (a) => JSON.stringify(await ({function})(...JSON.parse(a)) ?? null)")
        result = self.bidi.send("script.callFunction", {
            "functionDeclaration": wrapper, "awaitPromise": True,
            "arguments": [{"type": "string", "value": json.dumps(args)}],
            "target": {"context": self.context}, "resultOwnership": "none"})
        if result["type"] == "exception":
            raise RuntimeError(f"in the page: {result['exceptionDetails'].get('text')}")
        return json.loads(result["result"]["value"])

    def _actions(self, actions):
        self.bidi.send("input.performActions", {"context": self.context, "actions": actions})

    def press(self, key):
        k = ARROWS.get(key, key)
        self._actions([{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": k}, {"type": "keyUp", "value": k}]}])

    def click(self, x, y):
        self._actions([{"type": "pointer", "id": "mouse",
                        "parameters": {"pointerType": "mouse"}, "actions": [
                            {"type": "pointerMove", "x": round(x), "y": round(y)},
                            {"type": "pointerDown", "button": 0},
                            {"type": "pointerUp", "button": 0}]}])

    def close(self):
        try:
            self.bidi.send("session.end", {}, timeout=10)
        except Exception:  # noqa: BLE001 - Firefox may already be gone; terminate anyway
            pass
        self.bidi.close()
        self._stop()

    def _stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class WebKit(Engine):
    name = "webkit"

    def __init__(self):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self.xvfb = None
        env = dict(os.environ)
        if not env.get("DISPLAY"):
            display = f":{os.getpid() % 500 + 100}"
            self.xvfb = subprocess.Popen(
                ["Xvfb", display, "-screen", "0", f"{VIEWPORT[0]}x{VIEWPORT[1] + 200}x24",
                 "-nolisten", "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            env["DISPLAY"] = display
            time.sleep(0.5)
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")  # without it MiniBrowser refuses the session
        try:
            with warnings.catch_warnings():  # Selenium's WebKitGTK class uses a deprecated API
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                self.driver = webdriver.WebKitGTK(
                    options=options, service=Service(executable_path=WEBKIT_DRIVER, env=env))
        except Exception:
            self._stop_display()
            raise
        self.driver.set_window_rect(0, 0, *VIEWPORT)

    def goto(self, url):
        self.driver.get(url)

    def call(self, function, *args):
        result = self.driver.execute_async_script(
            f"const done = arguments[arguments.length - 1];"
            f"Promise.resolve(({function})(...arguments[0])).then("
            f"v => done(v === undefined ? null : v), e => done({{__error: String(e)}}));",
            list(args),
        )
        if isinstance(result, dict) and "__error" in result:
            raise RuntimeError(f"in the page: {result['__error']}")
        return result

    def press(self, key):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        ActionChains(self.driver).send_keys(getattr(Keys, {"ArrowRight": "RIGHT",
                                                           "ArrowLeft": "LEFT"}[key])).perform()

    def click(self, x, y):
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        actions = ActionBuilder(self.driver)
        actions.pointer_action.move_to_location(round(x), round(y)).click()
        actions.perform()

    def close(self):
        self.driver.quit()
        self._stop_display()

    def _stop_display(self):
        if self.xvfb:
            self.xvfb.terminate()
            self.xvfb.wait(timeout=10)


def _missing(engine: str) -> str | None:
    if engine == "firefox":
        return None if Path(FIREFOX).exists() else f"no Firefox at {FIREFOX}"
    if not Path(WEBKIT_DRIVER).exists():
        return f"no WebKitWebDriver at {WEBKIT_DRIVER}"
    if MINIBROWSER is None:
        return "no WebKitGTK MiniBrowser under /usr/lib"
    if not shutil.which("Xvfb") and not os.environ.get("DISPLAY"):
        return "no Xvfb for WebKitGTK's window"
    return None


@pytest.fixture(scope="session", params=["firefox", "webkit"])
def engine(request):
    why = _missing(request.param)
    if why:
        pytest.fail(f"{why}: scripts/provision.sh installs it from Debian's packages")
    e = Firefox() if request.param == "firefox" else WebKit()
    yield e
    e.close()
