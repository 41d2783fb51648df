# SPDX-License-Identifier: GPL-2.0
"""Headless Chromium, driven over the DevTools protocol on a pipe
(--remote-debugging-pipe, Python's stdlib only), offline; and what a page
shows of a flame graph: every frame's drawn box (JS_FRAMES), polled until
a condition holds, clicked by name.

For test_flame.py and test_output.py; tools/install-deps.sh installs
Debian's chromium (chromium_binary() says None without one)."""
import base64
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time

VIEW_W, VIEW_H = 1280, 900
UI_WAIT = 3.0           # s for the page to redraw after an input


def chromium_binary():
    for name in (os.environ.get("WHYSLOW_CHROMIUM"), "chromium",
                 "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


class CDPError(Exception):
    pass


class Chromium:
    """Headless Chromium driven over the Chrome DevTools Protocol on a pipe
    (--remote-debugging-pipe: commands in on fd 3, replies and events out
    on fd 4, each a JSON message ended by a NUL byte).  No port is opened,
    the browser is offline (a dead proxy, and offline emulation on the
    page), and a fresh profile directory is removed at close()."""

    def __init__(self, binary, timeout=20):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="wsflame-chromium-")
        self.errlog = open(os.path.join(self.profile, "chromium.log"), "w+")
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()

        def pipe_fds():
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)

        argv = [binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", f"--user-data-dir={self.profile}",
                "--proxy-server=127.0.0.1:9",
                "--proxy-bypass-list=<-loopback>",
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-dev-shm-usage",
                "--disable-breakpad", "--mute-audio", "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--window-size={VIEW_W},{VIEW_H}", "about:blank"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=self.errlog, stderr=self.errlog,
                                     pass_fds=(3, 4), preexec_fn=pipe_fds,
                                     start_new_session=True)
        os.close(to_child)
        os.close(from_child)
        self._buf = b""
        self._id = 0
        self.events = []
        self.session = None

    def log(self):
        self.errlog.flush()
        self.errlog.seek(0)
        return self.errlog.read()[-4000:]

    def _send(self, method, params, session):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self._w, data):]
        return self._id

    def _recv(self, deadline):
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError(f"no answer from chromium within "
                               f"{self.timeout} s; its log:\n{self.log()}")
            if select.select([self._r], [], [], left)[0]:
                chunk = os.read(self._r, 1 << 20)
                if not chunk:
                    raise CDPError(f"chromium closed the pipe (status "
                                   f"{self.proc.poll()}); its log:\n"
                                   f"{self.log()}")
                self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True):
        """A command's result; events that come meanwhile are kept."""
        mid = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._recv(deadline)
            if msg.get("id") == mid:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method):
        deadline = time.monotonic() + self.timeout
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    return self.events.pop(i)
            msg = self._recv(deadline)
            if "method" in msg:
                self.events.append(msg)

    def drain(self):
        """Collect the events already sent."""
        while select.select([self._r], [], [], 0)[0] or b"\0" in self._buf:
            msg = self._recv(time.monotonic() + self.timeout)
            if "method" in msg:
                self.events.append(msg)

    def open(self, url):
        """A new tab, offline, at url, once loaded."""
        target = self.call("Target.createTarget", {"url": "about:blank"},
                           session=False)["targetId"]
        self.session = self.call("Target.attachToTarget",
                                 {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.events.clear()
        for method in ("Page.enable", "Runtime.enable", "Network.enable"):
            self.call(method)
        self.call("Network.emulateNetworkConditions",
                  {"offline": True, "latency": 0, "downloadThroughput": -1,
                   "uploadThroughput": -1})
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": VIEW_W, "height": VIEW_H, "deviceScaleFactor": 1,
                   "mobile": False})
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def eval(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr,
                                           "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CDPError(f"{expr[:300]}\n-> {r['exceptionDetails']}")
        return r["result"].get("value")

    def click(self, x, y):
        """A real left click at viewport point (x, y)."""
        self.call("Input.dispatchMouseEvent",
                  {"type": "mouseMoved", "x": x, "y": y})
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": kind, "x": x, "y": y, "button": "left",
                       "buttons": 1 if kind == "mousePressed" else 0,
                       "clickCount": 1})

    def type_text(self, text):
        """Typed into the focused element, then Enter."""
        self.call("Input.insertText", {"text": text})
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent",
                      {"type": kind, "key": "Enter", "code": "Enter",
                       "windowsVirtualKeyCode": 13,
                       "nativeVirtualKeyCode": 13})

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot",
                                          {"format": "png"})["data"])

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except (CDPError, OSError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait(timeout=5)
        for fd in (self._r, self._w):
            try:
                os.close(fd)
            except OSError:
                pass
        self.errlog.close()
        shutil.rmtree(self.profile, ignore_errors=True)


# What the page draws: every frame's on-screen box, the width of it that
# shows inside its <svg> ("vis": 0 when hidden), and its look (for search
# highlighting).
JS_FRAMES = r"""
(() => {
  const out = [];
  for (const g of document.querySelectorAll('g.frame')) {
    const rect = g.querySelector('rect');
    const svg = g.ownerSVGElement || g.closest('svg');
    const r = rect.getBoundingClientRect();
    const s = svg ? svg.getBoundingClientRect() : {left: -1e9, right: 1e9,
                                                   top: -1e9, bottom: 1e9};
    const cs = getComputedStyle(rect), gs = getComputedStyle(g);
    let shown = rect.getClientRects().length > 0 && cs.display !== 'none'
      && cs.visibility !== 'hidden' && +cs.opacity > 0 && +gs.opacity > 0;
    for (let e = g; e && e !== svg && shown; e = e.parentElement)
      if (getComputedStyle(e).display === 'none') shown = false;
    const l = Math.max(r.left, s.left), rt = Math.min(r.right, s.right);
    const t = Math.max(r.top, s.top), b = Math.min(r.bottom, s.bottom);
    const vis = shown && rt > l && b > t ? rt - l : 0;
    out.push({name: g.dataset.name, depth: +g.dataset.depth,
              ns: +g.dataset.ns, x: r.left, y: r.top, w: r.width,
              h: r.height, vis: vis,
              look: [cs.fill, cs.stroke, cs.strokeWidth, cs.opacity,
                     gs.opacity, cs.filter, g.getAttribute('class'),
                     rect.getAttribute('class'), cs.fillOpacity].join('|')});
  }
  return out;
})()
"""


def frames_by(drawn, name):
    """The widest drawn frame named name."""
    c = [f for f in drawn if f["name"] == name]
    assert c, f"no frame {name!r} on the page"
    return max(c, key=lambda f: (f["vis"], f["w"]))


def widths(drawn):
    """{(name, depth, ns): sorted drawn widths}: the picture, by frame."""
    out = {}
    for f in drawn:
        out.setdefault((f["name"], f["depth"], f["ns"]), []).append(f["vis"])
    return {k: sorted(v) for k, v in out.items()}


def root_of(drawn):
    return next(f for f in drawn if f["depth"] == 0)


def poll(browser, cond, what, timeout=UI_WAIT):
    """Frames as drawn once cond(frames) holds; fails after timeout."""
    deadline = time.monotonic() + timeout
    while True:
        drawn = browser.eval(JS_FRAMES)
        if cond(drawn) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert cond(drawn), f"{what}; frames drawn:\n" + "\n".join(
        map(str, sorted(drawn, key=lambda f: (f["depth"], f["x"]))[:40]))
    return drawn


def click_frame(browser, drawn, name):
    f = frames_by(drawn, name)
    assert f["vis"] >= 4, f"{name} is not drawn wide enough to click: {f}"
    x = max(f["x"], 0) + min(f["vis"], f["w"]) / 2
    y = f["y"] + f["h"] / 2
    browser.eval(f"window.scrollTo(0, Math.max(0, {y} - {VIEW_H} / 2))")
    y -= browser.eval("window.scrollY")
    hit = browser.eval(
        f"(() => {{ const e = document.elementFromPoint({x}, {y}); "
        f"const g = e && e.closest('g.frame'); "
        f"return g ? g.dataset.name : (e ? e.tagName : null); }})()")
    assert hit == name, f"at ({x:.0f}, {y:.0f}) is {hit!r}, not {name!r}"
    browser.click(x, y)


def click_id(browser, ident):
    pos = browser.eval(
        f"(() => {{ const e = document.getElementById('{ident}'); "
        f"if (!e) return null; e.scrollIntoView({{block: 'center'}}); "
        f"const r = e.getBoundingClientRect(); "
        f"return [r.left + r.width / 2, r.top + r.height / 2, r.width]; }})()")
    assert pos, f"the page has no #{ident}"
    if pos[2] > 0:
        browser.click(pos[0], pos[1])
    else:   # e.g. a visually hidden checkbox behind a label
        browser.eval(f"document.getElementById('{ident}').click()")


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", \
        "the screenshot is not a PNG"
    return struct.unpack(">II", data[16:24])

