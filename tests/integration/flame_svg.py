# SPDX-License-Identifier: GPL-2.0
"""Flame graph SVGs as the tests read them, by the writers' contract (top
of user/report/flame_svg.c): every frame is an SVG `<g class="frame"
data-name=... data-ns=... data-depth=...>` holding a `<rect>` and a
`<title>`; the root "all" is at depth 0; an off-CPU stack ends in a leaf
"[wait:CATEGORY]"; frames too narrow to draw are merged into "[N small
frames]" boxes.

- xmllint(): well-formed XML per a real parser (Debian's libxml2-utils);
- svg_frames(): the frames of a file, each linked to its parent;
- check_geometry(), check_classes(): widths that add up, classes as the
  contract lists them;
- rgb(), hue_chroma(), is_warm(), ...: what colour a frame is drawn in.

For test_flame.py and test_output.py."""
import colorsys
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

PX = 1.0                # drawn widths are ns-proportional within 1 px


def xmllint(path, why=""):
    """xmllint --noout: the file is well-formed XML."""
    exe = shutil.which("xmllint")
    assert exe, ("xmllint is missing: tools/install-deps.sh installs "
                 "libxml2-utils (`sudo make deps`)")
    res = subprocess.run([exe, "--noout", str(path)], capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0 and not res.stderr, \
        f"{path} is not well-formed XML (xmllint):\n{res.stderr[:4000]}{why}"


# --- frames -----------------------------------------------------------------

class Frame:
    def __init__(self, name, ns, depth, x, y, w, h, fill, title, attrs):
        self.name, self.ns, self.depth = name, ns, depth
        self.cls = set(attrs.get("class", "").split())
        self.attrs = attrs
        self.x, self.y, self.w, self.h = x, y, w, h
        self.fill, self.title = fill, title
        self.parent = None
        self.children = []

    def __repr__(self):
        return (f"<{self.name!r} depth {self.depth} ns {self.ns} "
                f"x {self.x:.2f} y {self.y:.2f} w {self.w:.2f} "
                f"fill {self.fill}>")

    def ancestors(self):
        f = self.parent
        while f:
            yield f
            f = f.parent


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _style_fill(el):
    m = re.search(r"(?:^|;)\s*fill\s*:\s*([^;]+)", el.get("style", ""))
    return m.group(1).strip() if m else None


def _num(v, what, name):
    try:
        return float(re.sub(r"px$", "", (v or "").strip()))
    except ValueError:
        pytest.fail(f"frame {name!r}: {what}={v!r} is not a number")


def svg_frames(path):
    """The frames of an SVG file (ElementTree), parents linked."""
    root = ET.parse(path).getroot()
    frames = []
    for g in root.iter():
        if _local(g.tag) != "g" or "frame" not in g.get("class", "").split():
            continue
        name = g.get("data-name")
        rect = next((e for e in g.iter() if _local(e.tag) == "rect"), None)
        title = next((e for e in g.iter() if _local(e.tag) == "title"), None)
        assert name is not None and rect is not None and title is not None, \
            f"{path}: a frame without data-name, <rect> or <title>: " \
            f"{ET.tostring(g)[:300]!r}"
        fill = rect.get("fill") or _style_fill(rect) or g.get("fill") or \
            _style_fill(g)
        frames.append(Frame(
            name, int(g.get("data-ns")), int(g.get("data-depth")),
            _num(rect.get("x"), "x", name), _num(rect.get("y"), "y", name),
            _num(rect.get("width"), "width", name),
            _num(rect.get("height"), "height", name),
            fill, "".join(title.itertext()), dict(g.attrib)))
    assert frames, f"{path}: no <g class=\"frame\"> at all"
    link(frames, str(path))
    return frames


def link(frames, what):
    """Each frame's parent: the frame one level down whose span holds it."""
    by_depth = {}
    for f in frames:
        by_depth.setdefault(f.depth, []).append(f)
    for f in frames:
        if f.depth == 0:
            continue
        mid = f.x + f.w / 2
        cands = [p for p in by_depth.get(f.depth - 1, [])
                 if p.x - PX <= f.x and f.x + f.w <= p.x + p.w + PX]
        if len(cands) > 1:
            cands = [p for p in cands if p.x <= mid <= p.x + p.w] or cands
        assert cands, f"{what}: no parent frame at depth {f.depth - 1} " \
            f"spans {f}"
        f.parent = min(cands, key=lambda p: abs(p.x + p.w / 2 - mid))
        f.parent.children.append(f)


def the_root(frames, what):
    roots = [f for f in frames if f.depth == 0]
    assert len(roots) == 1 and roots[0].name == "all", \
        f"{what}: want one root frame \"all\" at depth 0, got {roots}"
    return roots[0]


def check_geometry(frames, what, total=None):
    """Widths add up; see the module's docstring.  The root."""
    root = the_root(frames, what)
    if total is not None:
        assert root.ns == total, \
            (f"{what}: the root's data-ns {root.ns} is not the JSON "
             f"report's on-CPU + off-CPU total {total} (sum of its "
             f"categories)")
    assert root.w > 100 and root.ns > 0, f"{what}: root {root}"
    scale = root.w / root.ns
    bad = [f for f in frames if abs(f.w - f.ns * scale) > PX]
    assert not bad, \
        (f"{what}: widths not proportional to data-ns (root {root}, "
         f"{scale * 1e6:.4f} px/ms): {bad[:10]}")
    for f in frames:
        assert f.h > 0 and f.w >= 0, f"{what}: empty frame {f}"
        assert f.x >= root.x - PX and f.x + f.w <= root.x + root.w + PX, \
            f"{what}: {f} sticks out of the root {root}"
        if f.children:
            ns = sum(c.ns for c in f.children)
            w = sum(c.w for c in f.children)
            assert ns <= f.ns, \
                (f"{what}: children of {f} add up to {ns} ns > its "
                 f"{f.ns}: {f.children[:20]}")
            assert w <= f.w + PX, \
                (f"{what}: children of {f} are {w:.2f} px wide > its "
                 f"{f.w:.2f}: {f.children[:20]}")
    levels = {}
    for f in frames:
        levels.setdefault(f.depth, []).append(f)
    ys = {}
    for d, level in sorted(levels.items()):
        level.sort(key=lambda f: f.x)
        for a, b in zip(level, level[1:]):
            assert a.x + a.w <= b.x + PX / 2, \
                f"{what}: frames overlap at depth {d}: {a} and {b}"
        yset = {round(f.y, 2) for f in level}
        assert len(yset) == 1, f"{what}: depth {d} drawn at y {yset}"
        ys[d] = yset.pop()
        if d:
            assert ys[d] < ys[d - 1], \
                (f"{what}: depth {d} at y {ys[d]}, not above depth "
                 f"{d - 1} at y {ys[d - 1]} (the root is at the bottom)")
    for f in frames:
        assert f.name[:200] in f.title, \
            f"{what}: the title {f.title!r} of {f} does not name it"
    return root


def check_classes(frames, what, diff=False):
    """The frames' classes, as the contract lists them: by kind, or in a
    diff by change."""
    for f in frames:
        why = f"{what}: {f} has classes {sorted(f.cls)}"
        if diff:
            pass
        elif f.depth == 0:
            assert "root" in f.cls, why
        elif is_wait(f):
            assert {"offcpu", "wait", f"wait-{wait_category(f)}"} <= f.cls, \
                why
            assert not f.children, f"{what}: a wait frame with children {f}"
        elif is_merged(f):
            pass
        else:
            assert "oncpu" in f.cls and len(f.cls & {"app", "lib",
                                                     "kernel"}) == 1, why
            assert "data-module" in f.attrs, f"{why}: no data-module"
        if is_merged(f):
            assert "small" in f.cls, why
            n = int(re.match(r"\[(\d+)", f.name).group(1))
            assert n >= 2 and f.attrs.get("data-count") == str(n), \
                f"{why}, data-count {f.attrs.get('data-count')!r}"
        if diff and not is_merged(f):
            # a "[N small frames]" box has no change of its own
            assert len(f.cls & {"unchanged", "faster", "slower"}) == 1, why
        if diff and (not is_merged(f) or "data-before-ns" in f.attrs):
            before = int(f.attrs["data-before-ns"])
            assert int(f.attrs["data-delta-ns"]) == f.ns - before, \
                f"{what}: data-delta-ns is not data-ns - data-before-ns: " \
                f"{f.attrs}"
            if "appeared" in f.cls:     # "slower appeared"
                assert before == 0 and "slower" in f.cls, why


def named(frames, name):
    return [f for f in frames if f.name == name]


def outermost(frames, name):
    """Frames named name that have no ancestor of the same name."""
    return [f for f in named(frames, name)
            if not any(a.name == name for a in f.ancestors())]


WAIT_RE = re.compile(r"\[wait: ?([\w-]+)\]")   # "[wait:network]"


def is_wait(f):
    return WAIT_RE.fullmatch(f.name) is not None


def wait_category(f):
    return WAIT_RE.fullmatch(f.name).group(1)


def is_merged(f):
    return re.fullmatch(r"\[\d+ small frames?\]", f.name) is not None


# --- colours ----------------------------------------------------------------

NAMED_COLOURS = {"white": (255, 255, 255), "black": (0, 0, 0),
                 "red": (255, 0, 0), "blue": (0, 0, 255),
                 "green": (0, 128, 0), "grey": (128, 128, 128),
                 "gray": (128, 128, 128)}


def rgb(colour):
    """(r, g, b) 0-255 of an SVG/CSS colour: #rgb, #rrggbb, rgb(), hsl()."""
    c = (colour or "").strip().lower()
    if m := re.fullmatch(r"#([0-9a-f]{3})", c):
        return tuple(int(ch * 2, 16) for ch in m.group(1))
    if m := re.fullmatch(r"#([0-9a-f]{6})", c):
        return tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    if m := re.fullmatch(r"rgba?\(\s*([\d.]+)%?[\s,]+([\d.]+)%?[\s,]+"
                         r"([\d.]+)%?(?:[\s,/]+[\d.]+%?)?\s*\)", c):
        vals = [float(v) for v in m.groups()]
        if "%" in c.split(")")[0].split("(")[1].split(",")[0]:
            vals = [v * 2.55 for v in vals]
        return tuple(round(v) for v in vals)
    if m := re.fullmatch(r"hsla?\(\s*([\d.]+)(?:deg)?[\s,]+([\d.]+)%[\s,]+"
                         r"([\d.]+)%(?:[\s,/]+[\d.]+%?)?\s*\)", c):
        h, s, l = (float(v) for v in m.groups())
        r, g, b = colorsys.hls_to_rgb(h / 360, l / 100, s / 100)
        return round(r * 255), round(g * 255), round(b * 255)
    if c in NAMED_COLOURS:
        return NAMED_COLOURS[c]
    pytest.fail(f"cannot read the colour {colour!r}")


def hue_chroma(colour):
    """(hue in degrees, chroma 0-255) of a colour."""
    r, g, b = rgb(colour)
    h, _, _ = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
    return h * 360, max(r, g, b) - min(r, g, b)


def is_warm(colour):
    """Red to yellow (flame colours), clearly coloured."""
    h, c = hue_chroma(colour)
    return (h <= 65 or h >= 330) and c >= 40


def is_cool(colour):
    """Green, cyan, blue or purple, clearly coloured."""
    h, c = hue_chroma(colour)
    return 80 <= h <= 300 and c >= 30


def is_blue(colour):
    h, c = hue_chroma(colour)
    return 180 <= h <= 265 and c >= 30


def is_red(colour):
    """Clearly red: red well above both green and blue (a pale pink, a
    diff's "about the same", is not)."""
    r, g, b = rgb(colour)
    return r - max(g, b) >= 60
