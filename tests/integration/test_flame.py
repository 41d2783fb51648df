# SPDX-License-Identifier: GPL-2.0
"""Flame graphs: `--format svg|html` of record and report, `diff --format svg`.

The writers' contract (top of user/report/flame_svg.c): every frame is an SVG
`<g class="frame" data-name=... data-ns=... data-depth=...>` holding a
`<rect>` and a `<title>`; the root "all" (depth 0) spans the on-CPU plus
off-CPU time of all threads, which is the sum of the JSON report's
`categories`; an off-CPU stack ends in a leaf "[wait:CATEGORY]"; frames
too narrow to draw are merged into "[N small frames]" boxes, so widths
still add up.  The HTML page holds the same frames, zooms on click (a
#reset control undoes it), searches (#search, matched share in
#search-share) and turns upside down (#invert).

- Well-formed XML per a real parser (xmllint, Debian's libxml2-utils):
  record --format svg of a Python workload with network waits, report
  --format svg of saved profiles, diff --format svg.
- Geometry: root = JSON total, every frame's width proportional to its ns
  (±1 px), inside its parent, children adding up to no more than their
  parent, no overlap within a level, one y per level with the root at
  the bottom; hot_seventy/warm_thirty split as in the JSON report (±1
  point) and as hot7030 measured it (±2 points).
- Classes: root, "oncpu app|lib|kernel", "offcpu wait wait-REASON",
  "small" with data-count; in the diff one of unchanged/faster/slower
  and data-delta-ns = data-ns - data-before-ns.
- Colours: wait frames cool (hue green to purple), on-CPU frames warm; in
  the diff, slow_part (2x faster) "faster" by the measured ratio and
  blue, fast_part "unchanged" and not red when it measured the same.
- The HTML in headless Chromium, driven over the DevTools protocol on a
  pipe (--remote-debugging-pipe, Python's stdlib only), offline: a
  screenshot, click-to-zoom and reset, search share, inverted view, no
  script errors, no request other than file:/data:, and no external
  reference in the page.  Skipped only when chromium is missing
  (tools/install-deps.sh installs it).

Reading and checking the SVG is flame_svg.py's, driving Chromium
chromium_cdp.py's (test_output.py uses both too)."""
import html.parser
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from chromium_cdp import (JS_FRAMES, UI_WAIT, VIEW_H, VIEW_W, Chromium,
                          chromium_binary, click_frame, click_id, frames_by,
                          png_size, poll, root_of, widths)
from conftest import WORKLOADS, Runner, slow_http_server, workload
from flame_svg import (PX, WAIT_RE, check_classes, check_geometry,
                       hue_chroma, is_blue, is_cool, is_merged, is_red,
                       is_wait, is_warm, named, outermost, svg_frames,
                       the_root, wait_category, xmllint)

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0,
    reason="whyslow loads BPF programs: these tests need root "
           "(run them with sudo, e.g. `sudo make integration`)")

PY = WORKLOADS / "py"
PYTHON = "/usr/bin/python3"
TIMEOUT = 30            # per whyslow run
FETCHES = 8             # linkcheck.py: 8 serial fetches of 50 ms
SPLIT_JSON = 1.0        # points: frames against the JSON report
SPLIT_MEASURED = 2.0    # points: frames against hot7030's own timing
SHARE_POINTS = 2.0      # points: #search-share against the JSON report


# --- running whyslow --------------------------------------------------------

def no_proxy_env():
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy")}
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1"
    return env


def ok(res):
    assert res.returncode == 0, res
    return res


def hot7030_measured(res):
    """hot_seventy's share (%) of the time hot7030 measured itself."""
    m = re.search(r"hot7030: hot_seventy_ns=(\d+) warm_thirty_ns=(\d+)",
                  res.stderr)
    assert m, f"hot7030's own timing line is missing:{res}"
    hot, warm = int(m.group(1)), int(m.group(2))
    return 100 * hot / (hot + warm)


def diff_measured(res, name):
    m = re.search(rf"{name}_ns=(\d+)", res.stderr)
    assert m, f"diff_speedup's timing line is missing:{res}"
    return int(m.group(1))


def json_total(doc):
    """On-CPU plus off-CPU time of all threads: the JSON categories."""
    return sum(c["ns"] for c in doc["categories"])


def json_func(doc, name, why):
    for f in doc["functions"]:
        if f["name"] == name:
            return f
    pytest.fail(f"{name} is not in the JSON report's functions:{why}")


# --- HTML without a browser -------------------------------------------------

class _PageScan(html.parser.HTMLParser):
    """Frames (name, depth, ns), ids, and every external reference."""

    URL_ATTRS = {"src", "href", "xlink:href", "data", "poster", "action",
                 "srcset", "background", "manifest", "formaction"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.frames, self.ids, self.external = [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "g" and "frame" in (a.get("class") or "").split():
            self.frames.append((a.get("data-name"), int(a["data-depth"]),
                                int(a["data-ns"])))
        for k, v in attrs:
            if k in self.URL_ATTRS and v and \
                    re.match(r"\s*(https?:|//|ftp:|ws:|wss:)", v, re.I):
                self.external.append(f"<{tag} {k}={v!r}>")

    handle_startendtag = handle_starttag


def external_refs(text):
    """External references of a page: src/href attributes, CSS url() and
    @import, and scripts fetching http(s) URLs."""
    scan = _PageScan()
    scan.feed(text)
    scan.close()
    out = list(scan.external)
    out += re.findall(r"url\(\s*['\"]?\s*(?:https?:)?//[^)]*\)", text, re.I)
    out += re.findall(r"@import\s+(?:url\()?['\"]?(?:https?:)?//[^;]*", text,
                      re.I)
    out += re.findall(r"(?:fetch|importScripts|import)\s*\(\s*['\"]"
                      r"(?:https?:)?//[^'\"]*", text, re.I)
    out += re.findall(r"""(?:src|href)\s*=\s*['"]?https?://[^\s'">]*""",
                      text, re.I)
    return sorted(set(out)), scan


# --- headless Chromium (chromium_cdp.py) ----------------------------------

@pytest.fixture(scope="module")
def chromium():
    exe = chromium_binary()
    if not exe:
        pytest.skip("chromium is not installed: tools/install-deps.sh "
                    "installs Debian's chromium (`sudo make deps`); no "
                    "browser to run the HTML flame graph in")
    browser = Chromium(exe)
    try:
        browser.call("Browser.getVersion", session=False)
        yield browser
    finally:
        browser.close()


# --- recordings, made once per module --------------------------------------

@pytest.fixture(scope="module")
def workdir():
    d = tempfile.mkdtemp(prefix="wsflame-", dir="/tmp")
    os.chmod(d, 0o755)
    yield Path(d)
    shutil.rmtree(d, ignore_errors=True)


class Recs:
    """The recordings every test reads, made on first use."""

    def __init__(self, d):
        self.d = d
        self.run = Runner()
        self.cache = {}

    def whyslow(self, *args, env=None):
        return self.run.whyslow(*args, timeout=TIMEOUT, env=env)

    def report(self, profile, fmt, out):
        res = self.whyslow("report", "--format", fmt, "-o", out, profile)
        assert res.returncode == 0 and res.stderr == "", res
        return res

    def hot(self):
        """hot7030 recorded as HTML with --save; the saved profile
        reported as JSON, SVG and HTML."""
        if "hot" not in self.cache:
            d = self.d
            rec = ok(self.whyslow("record", "--format", "html", "-o",
                                  d / "hot-rec.html", "--save",
                                  d / "hot.pb.gz", "--",
                                  workload("hot7030")))
            js = self.whyslow("report", "--format", "json", d / "hot.pb.gz")
            assert js.returncode == 0, js
            self.report(d / "hot.pb.gz", "svg", d / "hot.svg")
            self.report(d / "hot.pb.gz", "html", d / "hot.html")
            self.cache["hot"] = (rec, js.json())
        return self.cache["hot"]

    def link(self):
        """linkcheck.py (8 serial fetches from a server answering after
        50 ms) recorded as SVG with --save; the profile reported as JSON,
        SVG and HTML."""
        if "link" not in self.cache:
            d = self.d
            with slow_http_server() as srv:
                rec = ok(self.whyslow(
                    "record", "--format", "svg", "-o", d / "link-rec.svg",
                    "--save", d / "link.pb.gz", "--", PYTHON,
                    PY / "linkcheck.py", f"http://127.0.0.1:{srv.port}",
                    FETCHES, 1, env=no_proxy_env()))
                assert srv.served == FETCHES, f"served {srv.served}:{rec}"
            js = self.whyslow("report", "--format", "json", d / "link.pb.gz")
            assert js.returncode == 0, js
            self.report(d / "link.pb.gz", "svg", d / "link.svg")
            self.report(d / "link.pb.gz", "html", d / "link.html")
            self.cache["link"] = (rec, js.json())
        return self.cache["link"]

    def diff(self):
        """diff_speedup before and after halving slow_part: diff --format
        svg, and the JSON diff and report of AFTER to compare with."""
        if "diff" not in self.cache:
            d = self.d
            rb = ok(self.whyslow("record", "-o", "/dev/null", "--save",
                                 d / "before.pb.gz", "--",
                                 workload("diff_speedup")))
            ra = ok(self.whyslow("record", "-o", "/dev/null", "--save",
                                 d / "after.pb.gz", "--",
                                 workload("diff_speedup"), "0.5"))
            res = self.whyslow("diff", "--format", "svg", "-o",
                               d / "diff.svg", d / "before.pb.gz",
                               d / "after.pb.gz")
            assert res.returncode == 0 and res.stderr == "", res
            dj = self.whyslow("diff", "--format", "json", d / "before.pb.gz",
                              d / "after.pb.gz")
            assert dj.returncode == 0, dj
            docs = []
            for name in ("before", "after"):
                js = self.whyslow("report", "--format", "json",
                                  d / f"{name}.pb.gz")
                assert js.returncode == 0, js
                docs.append(js.json())
            self.cache["diff"] = (rb, ra, res, dj.json(), *docs)
        return self.cache["diff"]

    def cleanup(self):
        self.run.cleanup()


@pytest.fixture(scope="module")
def recs(built, workdir):
    r = Recs(workdir)
    yield r
    r.cleanup()


# --- 1. well-formed SVG ------------------------------------------------------

def test_svg_well_formed(recs, workdir):
    """record --format svg (Python, with waits) and report --format svg of
    saved profiles are well-formed XML; report of the saved profile gives
    the very bytes the recording wrote, as for the other formats."""
    rec, _ = recs.link()
    for name in ("link-rec.svg", "link.svg"):
        xmllint(workdir / name, rec)
    recs.hot()
    xmllint(workdir / "hot.svg")
    svg = (workdir / "link-rec.svg").read_bytes()
    assert svg.lstrip().startswith((b"<?xml", b"<svg")), svg[:200]
    assert (workdir / "link.svg").read_bytes() == svg, \
        (f"report --format svg of {workdir / 'link.pb.gz'} differs from "
         f"the SVG record wrote ({workdir / 'link-rec.svg'})")
    assert (workdir / "hot.html").read_bytes() == \
        (workdir / "hot-rec.html").read_bytes(), \
        (f"report --format html of {workdir / 'hot.pb.gz'} differs from "
         f"the HTML record wrote ({workdir / 'hot-rec.html'})")


# --- 2. widths add up --------------------------------------------------------

def test_widths_add_up(recs, workdir):
    """The root is the JSON total, widths ∝ ns, children within parents;
    hot_seventy/warm_thirty as the JSON report and as hot7030 measured."""
    rec, doc = recs.hot()
    svg = workdir / "hot.svg"
    frames = svg_frames(svg)
    why = f"\n{svg}{rec}"
    root = check_geometry(frames, str(svg), json_total(doc))
    check_classes(frames, str(svg))
    hot = outermost(frames, "hot_seventy")
    warm = outermost(frames, "warm_thirty")
    assert hot and warm, f"no hot_seventy or warm_thirty frame:{why}"
    hot_ns, warm_ns = sum(f.ns for f in hot), sum(f.ns for f in warm)
    hot_w, warm_w = sum(f.w for f in hot), sum(f.w for f in warm)
    jhot = json_func(doc, "hot_seventy", why)["wall_ns"]
    jwarm = json_func(doc, "warm_thirty", why)["wall_ns"]
    split = 100 * hot_ns / (hot_ns + warm_ns)
    want = 100 * jhot / (jhot + jwarm)
    assert abs(split - want) <= SPLIT_JSON, \
        (f"hot_seventy {hot_ns} ns / warm_thirty {warm_ns} ns: {split:.2f}% "
         f"in the SVG, {want:.2f}% in the JSON report:{why}")
    assert abs(100 * hot_w / (hot_w + warm_w) - want) <= SPLIT_JSON, \
        f"drawn {hot_w:.1f} px / {warm_w:.1f} px, JSON {want:.2f}%:{why}"
    measured = hot7030_measured(rec)
    assert abs(split - measured) <= SPLIT_MEASURED, \
        f"hot_seventy {split:.2f}%, hot7030 measured {measured:.2f}%:{why}"
    # ~1 s of CPU in these two: nearly all of the root
    assert (hot_ns + warm_ns) >= 0.9 * root.ns, f"{hot} {warm} {root}:{why}"
    assert all(any(a.name == "main" for a in f.ancestors())
               for f in hot + warm if f.w >= 10), \
        f"hot_seventy/warm_thirty not under main:{why}"


def test_widths_add_up_with_waits(recs, workdir):
    """The same on a Python workload that waits: the root is on-CPU +
    off-CPU, the network wait leaves add up to the network category."""
    rec, doc = recs.link()
    svg = workdir / "link.svg"
    frames = svg_frames(svg)
    why = f"\n{svg}{rec}"
    check_geometry(frames, str(svg), json_total(doc))
    check_classes(frames, str(svg))
    cats = {c["name"]: c["ns"] for c in doc["categories"]}
    assert cats.get("network", 0) >= 0.5 * FETCHES * 0.05e9, \
        f"the JSON report has little network wait: {cats}:{why}"
    waits = {}
    for f in frames:
        if is_wait(f):
            cat = wait_category(f)
            waits[cat] = waits.get(cat, 0) + f.ns
            assert not f.children, f"a wait frame with children: {f}:{why}"
    net = waits.get("network", 0)
    assert cats["network"] * 0.9 <= net <= cats["network"], \
        (f"[wait:network] frames add up to {net} ns, the network "
         f"category to {cats['network']}: {waits}:{why}")
    for cat in waits:
        assert cat in cats, f"[wait:{cat}]: no such category in {cats}:{why}"
    assert sum(waits.values()) <= sum(ns for c, ns in cats.items()
                                      if c != "on_cpu"), why


# --- 3. colours --------------------------------------------------------------

def test_offcpu_colours(recs, workdir):
    """Waits are cool, on-CPU frames warm."""
    rec, _ = recs.link()
    svg = workdir / "link.svg"
    frames = svg_frames(svg)
    why = f"\n{svg}{rec}"
    net = [f for f in frames if is_wait(f) and wait_category(f) == "network"]
    assert net, f"no [wait:network] frame:{why}"
    wide = max(net, key=lambda f: f.w)
    assert wide.w >= 0.2 * the_root(frames, svg).w, \
        f"the 8 x 50 ms of waits should be wide: {wide}:{why}"
    assert any(a.name == "check" for a in wide.ancestors()), \
        (f"the widest network wait is not under linkcheck.py's check(): "
         f"{[a.name for a in wide.ancestors()]}:{why}")
    for f in frames:
        if is_wait(f):
            assert is_cool(f.fill), f"wait frame not blue/green/purple: {f}" \
                f" (hue, chroma {hue_chroma(f.fill)}){why}"
    oncpu = [f for f in frames if not is_wait(f) and not is_merged(f)
             and f.depth > 0 and not f.children and f.w >= 1]
    assert oncpu and all(is_warm(f.fill) for f in oncpu), \
        f"on-CPU leaves not red/orange/yellow: " \
        f"{[f for f in oncpu if not is_warm(f.fill)][:10]}{why}"
    recs.hot()
    hot = svg_frames(workdir / "hot.svg")
    for name in ("main", "hot_seventy", "warm_thirty"):
        for f in named(hot, name):
            assert is_warm(f.fill), \
                f"on-CPU frame {f} of hot7030 is not warm " \
                f"(hue, chroma {hue_chroma(f.fill)})"


# --- 4. HTML in a browser ----------------------------------------------------

def test_html_self_contained(recs, workdir):
    """The page loads nothing from elsewhere and holds the SVG's frames
    and the controls."""
    recs.hot()
    page = (workdir / "hot.html").read_text()
    ext, scan = external_refs(page)
    assert not ext, f"{workdir / 'hot.html'} refers outside itself: {ext}"
    for ident in ("search", "search-share", "invert"):
        assert ident in scan.ids, f"no element with id={ident!r} in the page"
    want = sorted((f.name, f.depth, f.ns)
                  for f in svg_frames(workdir / "hot.svg"))
    assert sorted(scan.frames) == want, \
        (f"the HTML's frames are not the SVG's: only in HTML "
         f"{sorted(set(scan.frames) - set(want))[:10]}, only in SVG "
         f"{sorted(set(want) - set(scan.frames))[:10]}")


def test_html_in_browser(recs, workdir, chromium):
    """Headless Chromium, offline: screenshot; click hot_seventy → it fills
    the width and the rest shrinks; reset; search "warm" → #search-share
    ~ warm_thirty's share; #invert → the root goes to the top."""
    rec, doc = recs.hot()
    page = workdir / "hot.html"
    check_page(chromium, page, doc, f"\n{page}{rec}")


def test_html_waits_in_browser(recs, workdir, chromium):
    """The Python workload's page (deep stacks, network waits): drawn
    without script errors, wait frames in cool colours, and searching
    "wait:network" matches the network category's share of the total."""
    rec, doc = recs.link()
    page = workdir / "link.html"
    why = f"\n{page}{rec}"
    ext, _ = external_refs(page.read_text())
    assert not ext, f"{page} refers outside itself: {ext}"
    chromium.open(page.as_uri())
    poll(chromium, lambda d: d and root_of(d)["vis"] > 100,
                 "the root frame is not drawn")
    fills = chromium.eval(
        "[...document.querySelectorAll('g.frame')].map(g => "
        "[g.dataset.name, getComputedStyle(g.querySelector('rect')).fill])")
    waits = [(n, c) for n, c in fills if WAIT_RE.fullmatch(n)]
    assert waits and all(is_cool(c) for _, c in waits), \
        f"wait frames as drawn: {waits[:10]}{why}"
    click_id(chromium, "search")
    chromium.type_text("wait:network")
    share = search_share(chromium, "wait:network", why)
    cats = {c["name"]: c["ns"] for c in doc["categories"]}
    want = 100 * cats["network"] / json_total(doc)
    assert abs(share - want) <= SHARE_POINTS, \
        (f"#search-share {share}% after searching 'wait:network'; the "
         f"network category is {want:.2f}% of the total{why}")
    no_errors_offline(chromium)


def search_share(browser, query, why):
    """The percentage #search-share shows, once it shows one."""
    deadline = time.monotonic() + UI_WAIT
    text = None
    while time.monotonic() < deadline:
        text = browser.eval(
            "document.getElementById('search-share').textContent")
        m = re.search(r"(\d+(?:\.\d+)?)\s*%", text or "")
        if m:
            return float(m.group(1))
        time.sleep(0.05)
    pytest.fail(f"#search-share says {text!r} after searching {query!r}{why}")


def no_errors_offline(browser):
    """No script error, no request but file:, data:, about:, blob:."""
    browser.drain()
    errors = [e["params"] for e in browser.events
              if e["method"] == "Runtime.exceptionThrown"]
    assert not errors, f"script errors on the page: {errors[:3]}"
    urls = [e["params"]["request"]["url"] for e in browser.events
            if e["method"] == "Network.requestWillBeSent"]
    assert all(re.match(r"(file|data|about|blob):", u) for u in urls), \
        f"the page requested {[u for u in urls if not u.startswith('file:')]}"


def check_page(browser, page, doc, why):
    browser.open(page.as_uri())
    drawn = poll(browser, lambda d: d and root_of(d)["vis"] > 100,
                 "the root frame is not drawn")
    shot = browser.screenshot()
    assert len(shot) > 2000 and png_size(shot) == (VIEW_W, VIEW_H), \
        f"screenshot of {len(shot)} bytes, {png_size(shot)}"
    root = root_of(drawn)
    scale = root["w"] / root["ns"]
    bad = [f for f in drawn if abs(f["w"] - f["ns"] * scale) > PX]
    assert not bad, f"drawn widths not ∝ data-ns: {bad[:10]}{why}"
    before = widths(drawn)
    hot0, warm0 = frames_by(drawn, "hot_seventy"), \
        frames_by(drawn, "warm_thirty")

    # zoom
    click_frame(browser, drawn, "hot_seventy")
    full = root["vis"]
    zoomed = poll(browser, lambda d: frames_by(d, "hot_seventy")["vis"]
                  >= 0.97 * full,
                  f"clicking hot_seventy ({hot0['vis']:.0f} px) did not make "
                  f"it fill the width ({full:.0f} px)")
    warm1 = frames_by(zoomed, "warm_thirty")
    assert warm1["vis"] < 0.5 * warm0["vis"], \
        f"warm_thirty did not shrink or vanish on zooming: {warm1}{why}"
    assert browser.screenshot() != shot, "the zoom did not change the image"

    # reset
    def unzoomed(d):
        now = widths(d)
        return now.keys() == before.keys() and all(
            len(now[k]) == len(v) and
            all(abs(a - b) <= PX for a, b in zip(now[k], v))
            for k, v in before.items())
    ids = set(browser.eval("[...document.querySelectorAll('[id]')]"
                           ".map(e => e.id)"))
    if "reset" in ids:
        click_id(browser, "reset")
    else:
        click_frame(browser, zoomed, "all")
    poll(browser, unzoomed, "the reset control (#reset, else a click on "
         "the root) did not bring back the whole graph")

    # search
    click_id(browser, "search")
    looks = {f["name"]: f["look"] for f in browser.eval(JS_FRAMES)}
    browser.type_text("warm")
    share = search_share(browser, "warm", why)
    # the graph's frames hold the function's waits for a CPU too, which
    # its wall time leaves out: its time on the stack, on and off the CPU
    warm = json_func(doc, "warm_thirty", why)
    want = 100 * (warm["oncpu_ns"] + warm["offcpu_ns"]) / json_total(doc)
    assert abs(share - want) <= SHARE_POINTS, \
        (f"#search-share {share}% after searching 'warm'; warm_thirty is "
         f"{want:.2f}% of the total in the JSON report{why}")
    after = {f["name"]: f["look"] for f in browser.eval(JS_FRAMES)}
    changed = {n: [i for i, (a, b) in enumerate(
        zip(looks[n].split("|"), after[n].split("|"))) if a != b]
        for n in ("warm_thirty", "hot_seventy")}
    assert any(changed.values()) and \
        changed["warm_thirty"] != changed["hot_seventy"], \
        (f"searching 'warm' did not mark warm_thirty apart from "
         f"hot_seventy: warm_thirty {looks['warm_thirty']} -> "
         f"{after['warm_thirty']}, hot_seventy {looks['hot_seventy']} -> "
         f"{after['hot_seventy']}")

    # inverted view
    drawn = browser.eval(JS_FRAMES)
    r0, h0 = root_of(drawn)["y"], frames_by(drawn, "hot_seventy")["y"]
    assert r0 > h0, f"the root is not at the bottom at first{why}"
    click_id(browser, "invert")
    inv = poll(browser, lambda d: root_of(d)["y"]
               < frames_by(d, "hot_seventy")["y"],
               "#invert did not put the root above hot_seventy")
    levels = {}
    for f in inv:
        if f["vis"] > 0:
            levels.setdefault(f["depth"], set()).add(round(f["y"], 1))
    ys = [min(levels[d]) for d in sorted(levels)]
    assert ys == sorted(ys) and len(set(ys)) == len(ys), \
        f"inverted: y by depth {dict(sorted(levels.items()))}{why}"

    no_errors_offline(browser)


# --- 5. differential flame graph ---------------------------------------------

def test_diff_svg(recs, workdir):
    """diff --format svg of diff_speedup before/after halving slow_part:
    well-formed, AFTER's graph (widths add up to its JSON total, BEFORE's
    total in data-before-ns), slow_part "faster" and blue by the measured
    ratio (±15%), fast_part not red (and "unchanged" when it measured
    within 10%)."""
    rb, ra, res, ddoc, bdoc, adoc = recs.diff()
    svg = workdir / "diff.svg"
    why = f"\n{svg}{rb}{ra}{res}"
    xmllint(svg, why)
    slow_want = diff_measured(ra, "slow_part") / \
        diff_measured(rb, "slow_part")
    # The comparison is with what the workload measured, so noise only
    # matters when it hides the halving altogether.
    if slow_want > 0.85:
        pytest.skip(f"too noisy here: the halved slow_part measured "
                    f"{slow_want:.2f}x of its time before")
    frames = svg_frames(svg)
    root = check_geometry(frames, str(svg), json_total(adoc))
    check_classes(frames, str(svg), diff=True)
    assert int(root.attrs["data-before-ns"]) == json_total(bdoc), \
        (f"the root's data-before-ns {root.attrs['data-before-ns']} is not "
         f"BEFORE's total {json_total(bdoc)}:{why}")
    slow, fast = named(frames, "slow_part"), named(frames, "fast_part")
    assert slow and fast, f"no slow_part or fast_part frame:{why}"
    s = max(slow, key=lambda f: f.ns)
    ratio = s.ns / int(s.attrs["data-before-ns"])
    assert "faster" in s.cls and abs(ratio / slow_want - 1) <= 0.15, \
        (f"slow_part {s} ({sorted(s.cls)}): after/before {ratio:.3f}, "
         f"measured {slow_want:.3f}:{why}")
    fast_want = diff_measured(ra, "fast_part") / \
        diff_measured(rb, "fast_part")
    assert is_blue(s.fill), \
        (f"slow_part, 2x faster, is not blue: {s} (hue, chroma "
         f"{hue_chroma(s.fill)}){why}")
    # fast_part's work is the same; its time too, unless the machine was
    # noisy (then the graph must follow what was measured)
    f = max(fast, key=lambda f: f.ns)
    if abs(fast_want - 1) <= 0.1:
        # "unchanged", or a change the samples really saw: then it must
        # be the one the workload measured (a few percent either way)
        f_ratio = f.ns / int(f.attrs["data-before-ns"])
        assert "unchanged" in f.cls or \
            abs(f_ratio / fast_want - 1) <= 0.15, \
            (f"fast_part {f} {sorted(f.cls)}, after/before {f_ratio:.3f}, "
             f"measured {fast_want:.3f}x: not unchanged, nor as measured:"
             f"{why}")
        assert fast_want > 1 or not is_red(f.fill), \
            f"fast_part measured {fast_want:.3f}x, drawn red:{why}"
    elif fast_want > 1.1:
        assert not is_blue(f.fill), \
            f"fast_part measured {fast_want:.3f}x slower, drawn blue:{why}"
