// SPDX-License-Identifier: GPL-2.0
/*
 * The flame graph as one self-contained HTML page: the tree as JSON, and
 * a script that draws it into an inline <svg> the way flame_svg.c
 * draws the image (same layout, colours, classes and data attributes),
 * with click-to-zoom, search and an inverted (icicle) view.  Nothing is
 * fetched: no external script, style, font or image, and a Content
 * Security Policy that forbids them.  Element ids and classes: the
 * comment at the top of flame_svg.c.
 */
#include <inttypes.h>
#include <stdio.h>

#include "lib/util.h"
#include "analyze/flame.h"
#include "report/flame_draw.h"
#include "report/flame_svg.h"
#include "report/report.h"
#include "report/json_util.h"

static const char page_style[] =
"body { font-family: sans-serif; margin: 12px; background: #fff; }\n"
"h1 { font-size: 18px; margin: 0 0 4px; }\n"
"#subtitle, #legend, #details { font-size: 13px; margin: 4px 0; }\n"
"#controls { margin: 8px 0; font-size: 13px; }\n"
"#search { width: 300px; }\n"
".swatch { display: inline-block; width: 12px; height: 12px;\n"
"  margin: 0 4px 0 10px; vertical-align: middle; }\n"
"#flame { display: block; background: #f8f8f8; }\n"
".frame { cursor: pointer; }\n"
".frame text { fill: #000; pointer-events: none; }\n"
".frame:hover rect { stroke: #000; stroke-width: 0.5; }\n"
".frame.match rect { fill: #e03ce0; }\n"
".frame.hidden { display: none; }\n"
"#details { font-family: monospace; white-space: pre; min-height: 1.2em; }\n";

/* Mirrors layout_tree and put_box in flame_svg.c: keep them in step. */
static const char page_script[] =
"(function () {\n"
"'use strict';\n"
"var W = 1200, PAD = 10, TOP = 5, FH = 16, CW = 7.2, MIN = 0.5;\n"
"/* nodes[i]: [name, module, parent, ns, oncpu_ns, classes, fill, depth],\n"
"   in pre-order, children by name */\n"
"var nodes = JSON.parse(document.getElementById('flame-data').textContent)\n"
"  .nodes;\n"
"var svg = document.getElementById('flame'), NS = svg.namespaceURI;\n"
"var group = document.getElementById('frames');\n"
"var details = document.getElementById('details');\n"
"var input = document.getElementById('search');\n"
"var share = document.getElementById('search-share');\n"
"var invert = document.getElementById('invert');\n"
"var kids = nodes.map(function () { return []; });\n"
"var size = nodes.map(function () { return 1; });\n"
"var zoom = 0, inverted = false, matches = null, i;\n"
"for (i = 1; i < nodes.length; i++) kids[nodes[i][2]].push(i);\n"
"for (i = nodes.length - 1; i > 0; i--) size[nodes[i][2]] += size[i];\n"
"\n"
"function dur(ns) {\n"
"  if (ns >= 1e9) return (ns / 1e9).toFixed(2) + ' s';\n"
"  if (ns >= 1e6) return (ns / 1e6).toFixed(1) + ' ms';\n"
"  if (ns >= 1e3) return (ns / 1e3).toFixed(1) + ' \\u00b5s';\n"
"  return ns + ' ns';\n"
"}\n"
"function pct(ns) {\n"
"  var all = nodes[0][3];\n"
"  return (all ? 100 * ns / all : 0).toFixed(1) + '%';\n"
"}\n"
"function tip(it) {\n"
"  var n = nodes[it.i], s;\n"
"  if (it.small) return it.name + ' \\u2014 ' + dur(it.ns) + ' (' +\n"
"    pct(it.ns) + '), each too narrow to draw';\n"
"  s = n[0] + (n[1] === null ? '' : ' (' + n[1] + ')') + ' \\u2014 ' +\n"
"    dur(n[3]) + ' (' + pct(n[3]) + ')';\n"
"  if (n[5].indexOf('wait') >= 0) return s + ', off-CPU';\n"
"  if (n[4] && n[4] !== n[3])\n"
"    s += ': ' + dur(n[4]) + ' on-CPU, ' + dur(n[3] - n[4]) + ' off-CPU';\n"
"  return s;\n"
"}\n"
"function label(name, w) {\n"
"  var fit = w > 6 ? Math.floor((w - 6) / CW) : 0, cs = Array.from(name);\n"
"  if (fit < 3) return '';\n"
"  return cs.length <= fit ? name : cs.slice(0, fit - 2).join('') + '..';\n"
"}\n"
"function inside(i, z) { return i >= z && i < z + size[z]; }\n"
"/* As layout_tree in report_flame.c: the zoomed frame z fills the width,\n"
"   its ancestors span it; narrow children after the wide ones, merged\n"
"   into one box when more than one. */\n"
"function place(z) {\n"
"  var items = [], stack, it, w, cx, small, scale, a, ns;\n"
"  scale = nodes[z][3] ? (W - 2 * PAD) / nodes[z][3] : 0;\n"
"  for (a = nodes[z][2]; a >= 0; a = nodes[a][2])\n"
"    items.push({ i: a, x: PAD, w: W - 2 * PAD, depth: nodes[a][7] });\n"
"  stack = [{ i: z, x: PAD }];\n"
"  while (stack.length) {\n"
"    it = stack.pop();\n"
"    w = nodes[it.i][3] * scale;\n"
"    items.push({ i: it.i, x: it.x, w: w, depth: nodes[it.i][7] });\n"
"    if (w < MIN) continue;\n"
"    cx = it.x;\n"
"    small = [];\n"
"    kids[it.i].forEach(function (c) {\n"
"      var wc = nodes[c][3] * scale;\n"
"      if (wc >= MIN) { stack.push({ i: c, x: cx }); cx += wc; }\n"
"      else small.push(c);\n"
"    });\n"
"    if (small.length === 1) {\n"
"      items.push({ i: small[0], x: cx, w: nodes[small[0]][3] * scale,\n"
"                   depth: nodes[small[0]][7] });\n"
"    } else if (small.length > 1) {\n"
"      ns = 0;\n"
"      small.forEach(function (c) { ns += nodes[c][3]; });\n"
"      items.push({ small: small.length, i: it.i, ns: ns, x: cx,\n"
"                   w: ns * scale, depth: nodes[it.i][7] + 1,\n"
"                   name: '[' + small.length + ' small frames]' });\n"
"    }\n"
"  }\n"
"  return items;\n"
"}\n"
"/* Zoomed: the rest of the whole graph stays, hidden. */\n"
"function hidden(z) {\n"
"  if (!z) return [];\n"
"  return place(0).filter(function (it) {\n"
"    return !inside(it.i, z) && (it.small || !inside(z, it.i));\n"
"  }).map(function (it) { it.hidden = true; return it; });\n"
"}\n"
"function el(tag, attrs) {\n"
"  var e = document.createElementNS(NS, tag), k;\n"
"  for (k in attrs) e.setAttribute(k, attrs[k]);\n"
"  return e;\n"
"}\n"
"function frame(it, maxd) {\n"
"  var n = it.small ? null : nodes[it.i], name = n ? n[0] : it.name;\n"
"  var y = TOP + (inverted ? it.depth : maxd - it.depth) * FH;\n"
"  var g = el('g', { 'class': 'frame ' + (n ? n[5] : 'small') +\n"
"                             (it.hidden ? ' hidden' : ''),\n"
"                    'data-name': name, 'data-ns': n ? n[3] : it.ns,\n"
"                    'data-depth': it.depth });\n"
"  var t = el('title'), text = label(name, it.w), tx;\n"
"  if (n && n[1] !== null) g.setAttribute('data-module', n[1]);\n"
"  if (n) g.setAttribute('data-id', it.i);\n"
"  else {\n"
"    g.setAttribute('data-count', it.small);\n"
"    g.setAttribute('data-parent', it.i);\n"
"  }\n"
"  t.textContent = tip(it);\n"
"  g.appendChild(t);\n"
"  g.appendChild(el('rect', { x: it.x.toFixed(3), y: y.toFixed(1),\n"
"    width: it.w.toFixed(3), height: FH - 1,\n"
"    fill: n ? n[6] : '#dedede' }));\n"
"  if (text) {\n"
"    tx = el('text', { x: (it.x + 3).toFixed(3),\n"
"                      y: (y + FH - 4.5).toFixed(1) });\n"
"    tx.textContent = text;\n"
"    g.appendChild(tx);\n"
"  }\n"
"  return g;\n"
"}\n"
"function render() {\n"
"  var items = place(zoom), maxd = 0, h;\n"
"  items.forEach(function (it) { maxd = Math.max(maxd, it.depth); });\n"
"  items = items.concat(hidden(zoom));\n"
"  h = 2 * TOP + (maxd + 1) * FH;\n"
"  svg.setAttribute('height', h);\n"
"  svg.setAttribute('viewBox', '0 0 ' + W + ' ' + h);\n"
"  while (group.firstChild) group.removeChild(group.firstChild);\n"
"  items.forEach(function (it) { group.appendChild(frame(it, maxd)); });\n"
"  mark();\n"
"}\n"
"function zoomTo(z) {\n"
"  zoom = z;\n"
"  document.body.classList.toggle('zoomed', z !== 0);\n"
"  render();\n"
"}\n"
"function mark() {\n"
"  group.querySelectorAll('.frame').forEach(function (g) {\n"
"    var id = g.getAttribute('data-id');\n"
"    g.classList.toggle('match', !!(matches && id !== null && matches[+id]));\n"
"  });\n"
"}\n"
"/* The text itself when some name contains it (\"[wait:network]\" is a\n"
" * name, not a character class), else a regular expression. */\n"
"function matcher(q) {\n"
"  var re = null;\n"
"  if (!nodes.some(function (n) { return n[0].indexOf(q) >= 0; }))\n"
"    try { re = new RegExp(q); } catch (e) { re = null; }\n"
"  return function (s) { return re ? re.test(s) : s.indexOf(q) >= 0; };\n"
"}\n"
"/* A stack's time counts once, at its outermost matching frame. */\n"
"function search() {\n"
"  var q = input.value, m, under = [], sum = 0, p;\n"
"  matches = null;\n"
"  share.textContent = '';\n"
"  if (q) {\n"
"    m = matcher(q);\n"
"    matches = nodes.map(function (n, j) { return j > 0 && m(n[0]); });\n"
"    for (i = 0; i < nodes.length; i++) {\n"
"      p = nodes[i][2];\n"
"      under[i] = p >= 0 && (under[p] || matches[p]);\n"
"      if (matches[i] && !under[i]) sum += nodes[i][3];\n"
"    }\n"
"    share.textContent = 'Matched: ' + pct(sum) + ' (' + dur(sum) + ')';\n"
"  }\n"
"  mark();\n"
"}\n"
"/* Frames: the page's own at first, redrawn on zoom and inversion. */\n"
"function target(e) {\n"
"  return e.target.closest ? e.target.closest('g.frame') : null;\n"
"}\n"
"group.addEventListener('click', function (e) {\n"
"  var g = target(e);\n"
"  if (g) zoomTo(+(g.getAttribute('data-id') ||\n"
"                  g.getAttribute('data-parent')));\n"
"});\n"
"group.addEventListener('mouseover', function (e) {\n"
"  var g = target(e), t = g && g.querySelector('title');\n"
"  if (t) details.textContent = t.textContent;\n"
"});\n"
"input.addEventListener('input', search);\n"
"document.getElementById('reset').addEventListener('click',\n"
"  function () { zoomTo(0); });\n"
"invert.addEventListener('click', function () {\n"
"  inverted = !inverted;\n"
"  invert.setAttribute('aria-pressed', inverted ? 'true' : 'false');\n"
"  document.body.classList.toggle('inverted', inverted);\n"
"  render();\n"
"});\n"
"search();\n"
"})();\n";

/* s as a JSON string safe inside <script>: no '<', '>' or '&'. */
static void script_string(FILE *f, const char *s, size_t max)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t n, len, keep = max;

	if (flame_text_chars(s) > max)
		keep = max - 2;
	fputc('"', f);
	for (n = 0; *c && n < keep; c += len ? len : 1, n++) {
		len = utf8_len(c);
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f || *c == '<' || *c == '>' ||
			 *c == '&')
			fprintf(f, "\\u%04x", *c);
		else if (len)
			fwrite(c, 1, len, f);
		else
			fputs("\\ufffd", f);
	}
	fputs(*c ? "..\"" : "\"", f);
}

static void put_node(FILE *f, const struct flame_tree *t, uint32_t i)
{
	const struct flame_node *n = &t->nodes[i];
	char fill[FLAME_FILL_SIZE], cls[FLAME_CLASS_SIZE];

	flame_fill(t, i, fill);
	flame_classes(t, i, cls);
	fputc('[', f);
	script_string(f, n->name ? n->name : "", FLAME_NAME_MAX);
	fputc(',', f);
	if (n->module)
		script_string(f, n->module, FLAME_NAME_MAX);
	else
		fputs("null", f);
	fprintf(f, ",%" PRId64 ",%" PRIu64 ",%" PRIu64 ",\"%s\",\"%s\",%"
		PRIu32 "]", n->parent == FLAME_NONE ? -1 : (int64_t)n->parent,
		n->ns, n->oncpu_ns, cls, fill, n->depth);
}

static void put_data(FILE *f, const struct flame_tree *t)
{
	uint32_t i;

	fputs("<script type=\"application/json\" id=\"flame-data\">"
	      "{\"nodes\":[\n", f);
	for (i = 0; i < t->n_nodes; i++) {
		put_node(f, t, i);
		fputs(i + 1 < t->n_nodes ? ",\n" : "\n", f);
	}
	fputs("]}</script>\n", f);
}

static void put_head(FILE *f, const struct flame_titles *titles)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; script-src 'unsafe-inline'; "
	      "style-src 'unsafe-inline'\">\n<title>whyslow flame graph: ", f);
	flame_xml_put(f, titles->command, 120);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
		page_style);
}

static void put_legend(FILE *f, const struct flame_tree *t)
{
	struct flame_key keys[FLAME_MAX_KEYS];
	size_t i, n = flame_legend(t, keys);

	fputs("<p id=\"legend\">", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<span class=\"key %s\"><span class=\"swatch\" "
			"style=\"background: %s\"></span>", keys[i].cls,
			keys[i].fill);
		flame_xml_put(f, keys[i].label, sizeof(keys[i].label));
		fputs("</span>", f);
	}
	fputs("</p>\n", f);
}

static void put_body(FILE *f, const struct flame_tree *t,
		     const struct flame_titles *titles)
{
	fputs("<h1 id=\"title\">whyslow flame graph: ", f);
	flame_xml_put(f, titles->command, 120);
	fputs("</h1>\n<p id=\"subtitle\">", f);
	flame_xml_put(f, titles->subtitle, sizeof(titles->subtitle));
	fputs("</p>\n", f);
	put_legend(f, t);
	fputs("<div id=\"controls\"><input id=\"search\" type=\"search\" "
	      "placeholder=\"Search: regex or text\" autocomplete=\"off\"> "
	      "<span id=\"search-share\"></span> <button id=\"reset\" "
	      "type=\"button\">Reset zoom</button> <button id=\"invert\" "
	      "type=\"button\" aria-pressed=\"false\">Invert (icicle)"
	      "</button></div>\n", f);
}

int flame_html_write(FILE *f, const struct profile *p,
		     const struct report_opts *opts)
{
	struct flame_titles titles;
	struct flame_tree t;
	int err;

	err = flame_build_levels(p, &t,
				 flame_default_levels(p, opts->per_thread));
	if (err)
		return err;
	flame_titles(p, &t, &titles);
	put_head(f, &titles);
	put_body(f, &t, &titles);
	err = flame_page_svg(f, &t);
	if (err)
		goto out;
	fputs("<div id=\"details\"></div>\n", f);
	put_data(f, &t);
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", page_script);
out:
	flame_free(&t);
	return err;
}
