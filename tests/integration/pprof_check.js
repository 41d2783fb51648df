// SPDX-License-Identifier: GPL-2.0
// A reader and writer of pprof files independent of whyslow, for
// test_pprof.py: npm's pprof-format (Datadog's encoder and decoder).
//
//   node pprof_check.js MODULES decode FILE
//       FILE (gzip'd or plain profile.proto) as JSON on stdout, every
//       string index resolved: {sample_type: [[type, unit]], period_type,
//       period, duration_nanos, time_nanos, default_sample_type, comment,
//       string_count, bad_strings: [indexes out of range], mapping,
//       function, location, sample: [{location_id, value, label}]}.
//   node pprof_check.js MODULES encode SPEC.json OUT
//       A profile built from SPEC (the same shape, strings given as text;
//       a number where a string goes is written as a raw index, so tests
//       can write indexes out of range) to OUT, gzip'd unless OUT ends in
//       ".pb".
//
// MODULES is the node_modules directory pprof-format was installed in.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [modules, mode, ...args] = process.argv.slice(2);
const pf = require(path.join(modules, 'pprof-format'));

// pprof-format gives numbers, or bigints when they do not fit a double.
function num(v) {
	if (v === undefined || v === null) return 0;
	if (typeof v === 'bigint')
		return v <= BigInt(Number.MAX_SAFE_INTEGER) &&
		       v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
	return v;
}

function decode(file) {
	let buf = fs.readFileSync(file);
	if (buf[0] === 0x1f && buf[1] === 0x8b)
		buf = zlib.gunzipSync(buf);
	const p = pf.Profile.decode(buf);
	const strings = p.stringTable ? p.stringTable.strings : [];
	const bad = new Set();
	const str = (i) => {
		i = Number(num(i));
		if (i >= 0 && i < strings.length) return strings[i];
		bad.add(i);
		return null;
	};
	const vt = (t) => t ? [str(t.type), str(t.unit)] : null;
	const out = {
		string_count: strings.length,
		first_string: strings.length ? strings[0] : null,
		sample_type: p.sampleType.map(vt),
		period_type: vt(p.periodType),
		period: num(p.period),
		duration_nanos: num(p.durationNanos),
		time_nanos: num(p.timeNanos),
		default_sample_type: str(p.defaultSampleType),
		comment: (p.comment || []).map(str),
		mapping: p.mapping.map((m) => ({
			id: num(m.id), filename: str(m.filename),
			build_id: str(m.buildId), has_functions: !!m.hasFunctions,
		})),
		function: p.function.map((f) => ({
			id: num(f.id), name: str(f.name),
			system_name: str(f.systemName), filename: str(f.filename),
			start_line: num(f.startLine),
		})),
		location: p.location.map((l) => ({
			id: num(l.id), mapping_id: num(l.mappingId),
			address: num(l.address),
			line: l.line.map((ln) => [num(ln.functionId), num(ln.line)]),
		})),
		sample: p.sample.map((s) => ({
			location_id: s.locationId.map(num),
			value: s.value.map(num),
			label: s.label.map((l) => ({
				key: str(l.key),
				str: num(l.str) ? str(l.str) : null,
				num: num(l.num),
			})),
		})),
	};
	out.bad_strings = [...bad];
	return out;
}

function encode(specFile, outFile) {
	const spec = JSON.parse(fs.readFileSync(specFile, 'utf8'));
	const st = new pf.StringTable();
	// a number is a raw index; a string goes through the table
	const s = (v) => (v === undefined || v === null) ? 0 :
		typeof v === 'number' ? v : st.dedup(String(v));
	const vt = (t) => new pf.ValueType({ type: s(t[0]), unit: s(t[1]) });
	const prof = new pf.Profile({
		sampleType: (spec.sample_type || []).map(vt),
		periodType: spec.period_type ? vt(spec.period_type) : undefined,
		period: spec.period || 0,
		durationNanos: spec.duration_nanos || 0,
		timeNanos: spec.time_nanos || 0,
		mapping: (spec.mapping || []).map((m) => new pf.Mapping({
			id: m.id, memoryStart: m.start || 0, memoryLimit: m.limit || 0,
			fileOffset: m.offset || 0, filename: s(m.filename),
			buildId: s(m.build_id), hasFunctions: true,
			hasLineNumbers: true, hasInlineFrames: true,
		})),
		function: (spec.function || []).map((f) => new pf.Function({
			id: f.id, name: s(f.name),
			systemName: s(f.system_name === undefined ? f.name : f.system_name),
			filename: s(f.filename), startLine: f.start_line || 0,
		})),
		location: (spec.location || []).map((l) => new pf.Location({
			id: l.id, mappingId: l.mapping_id || 0, address: l.address || 0,
			line: (l.line || []).map((ln) => new pf.Line({
				functionId: ln[0], line: ln[1] || 0 })),
		})),
		sample: (spec.sample || []).map((x) => new pf.Sample({
			locationId: x.location_id, value: x.value,
			label: (x.label || []).map((l) => new pf.Label({
				key: s(l.key),
				str: l.str === undefined ? 0 : s(l.str),
				num: l.num || 0,
				numUnit: l.num_unit === undefined ? 0 : s(l.num_unit),
			})),
		})),
		comment: (spec.comment || []).map(s),
		stringTable: st,
	});
	if (spec.default_sample_type)
		prof.defaultSampleType = s(spec.default_sample_type);
	const raw = Buffer.from(prof.encode());
	fs.writeFileSync(outFile, outFile.endsWith('.pb') ? raw : zlib.gzipSync(raw));
}

if (mode === 'decode')
	process.stdout.write(JSON.stringify(decode(args[0])) + '\n');
else if (mode === 'encode')
	encode(args[0], args[1]);
else {
	process.stderr.write('usage: pprof_check.js MODULES decode FILE | ' +
			     'encode SPEC.json OUT\n');
	process.exit(2);
}
