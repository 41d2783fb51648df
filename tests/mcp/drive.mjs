// SPDX-License-Identifier: GPL-2.0
// Drives `whyslow mcp` with the official MCP TypeScript SDK client
// (Client + StdioClientTransport), for tests/integration/test_mcp.py.
//
//   node drive.mjs SPEC.json
//
// SPEC: {"command": "/path/whyslow", "args": ["mcp"], "env": {...},
//        "steps": [STEP...]}; each STEP one of
//   {"op": "list"}                         tools/list
//   {"op": "ping"}
//   {"op": "call", "name": N, "arguments": {...}, "progress": bool,
//    "cancel_after_s": S, "timeout_s": T}  tools/call; a string argument
//        "{{profile:K}}" becomes the profile path step K's result names
//   {"op": "bpf_progs", "names": [...], "wait_s": S, "ignore": K}
//        {"progs": the loaded BPF programs bearing those names ([{id,
//        name}]) but those step K listed (loaded before), "held": the BPF
//        programs, links and maps the server's processes hold open
//        (/proc/PID/fdinfo), "foreign": PIDs of other whyslow processes};
//        polled for up to S seconds until progs and held are empty
// Prints {"server": serverVersion, "protocol": ..., "steps": [RESULT...],
// "client_errors": [...]} as JSON on stdout.  RESULT: {"ok": true,
// "result": ..., "progress": [...], "elapsed_s": ...} or {"ok": false,
// "error": {"code", "message"}, "aborted": bool, "elapsed_s": ...}.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment }
	from '@modelcontextprotocol/sdk/client/stdio.js';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const clientErrors = [];

function profileOf(result) {
	for (const c of result?.content ?? []) {
		const m = /Profile saved to (.+?) \(the report/.exec(c.text ?? '');
		if (m)
			return m[1];
	}
	return null;
}

function substitute(value, results) {
	if (typeof value === 'string') {
		const m = /^\{\{profile:(\d+)\}\}$/.exec(value);
		return m ? profileOf(results[Number(m[1])]?.result) : value;
	}
	if (Array.isArray(value))
		return value.map(v => substitute(v, results));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(
			([k, v]) => [k, substitute(v, results)]));
	return value;
}

function bpfProgs(names, ignore) {
	const out = execFileSync('bpftool', ['-j', 'prog', 'show'],
				 { encoding: 'utf8' });
	return JSON.parse(out || '[]')
		.filter(p => names.includes(p.name) && !ignore.has(p.id))
		.map(p => ({ id: p.id, name: p.name }));
}

function readOr(path, fallback) {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return fallback;
	}
}

// {pid: [ppid, comm]} of every process.
function processes() {
	const procs = {};
	for (const d of readdirSync('/proc')) {
		const stat = /^\d+$/.test(d) ? readOr(`/proc/${d}/stat`, '') : '';
		const m = /^\d+ \((.*)\) \S+ (\d+)/s.exec(stat);
		if (m)
			procs[d] = [m[2], m[1]];
	}
	return procs;
}

// The server and its descendants, and the other whyslow processes.
function serverTree(root) {
	const procs = processes(), tree = new Set([String(root)]);
	for (let grew = true; grew;) {
		grew = false;
		for (const [pid, [ppid]] of Object.entries(procs))
			if (tree.has(ppid) && !tree.has(pid)) {
				tree.add(pid);
				grew = true;
			}
	}
	const foreign = Object.entries(procs)
		.filter(([pid, [, comm]]) => comm === 'whyslow' && !tree.has(pid))
		.map(([pid]) => Number(pid));
	return { tree, foreign };
}

// BPF objects the processes hold open: "prog 12", "link 3", "map 40".
function heldBpf(pids) {
	const held = [];
	for (const pid of pids) {
		let fds = [];
		try {
			fds = readdirSync(`/proc/${pid}/fdinfo`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			const info = readOr(`/proc/${pid}/fdinfo/${fd}`, '');
			const m = /^(prog|link|map)_id:\s*(\d+)/m.exec(info);
			if (m)
				held.push(`${m[1]} ${m[2]} (pid ${pid})`);
		}
	}
	return held;
}

async function bpfStep(step, results, serverPid) {
	const deadline = Date.now() + (step.wait_s ?? 0) * 1000;
	const ignore = new Set(step.ignore === undefined ? [] :
		results[step.ignore].result.progs.map(p => p.id));
	for (;;) {
		const { tree, foreign } = serverTree(serverPid);
		const res = { progs: bpfProgs(step.names, ignore),
			      held: heldBpf(tree), foreign };
		if ((!res.progs.length && !res.held.length) ||
		    Date.now() >= deadline)
			return { ok: true, result: res };
		await new Promise(r => setTimeout(r, 100));
	}
}

async function callStep(client, step, results) {
	const progress = [];
	const options = { timeout: (step.timeout_s ?? 60) * 1000 };
	if (step.progress)
		options.onprogress = p => progress.push(p);
	if (step.cancel_after_s !== undefined) {
		const ac = new AbortController();
		setTimeout(() => ac.abort('the test cancels'),
			   step.cancel_after_s * 1000);
		options.signal = ac.signal;
	}
	const result = await client.callTool({
		name: step.name,
		arguments: substitute(step.arguments ?? {}, results),
	}, undefined, options);
	return { ok: true, result, progress };
}

async function runStep(client, step, results, serverPid) {
	const start = Date.now();
	let res;
	try {
		if (step.op === 'list')
			res = { ok: true, result: await client.listTools() };
		else if (step.op === 'ping')
			res = { ok: true, result: await client.ping() };
		else if (step.op === 'call')
			res = await callStep(client, step, results);
		else if (step.op === 'bpf_progs')
			res = await bpfStep(step, results, serverPid);
		else
			throw new Error(`unknown op ${step.op}`);
	} catch (e) {
		res = { ok: false, aborted: e?.name === 'AbortError' ||
			String(e).includes('the test cancels'),
			error: { code: e?.code ?? null, message: String(e) } };
	}
	res.elapsed_s = (Date.now() - start) / 1000;
	return res;
}

const transport = new StdioClientTransport({
	command: spec.command,
	args: spec.args ?? ['mcp'],
	env: { ...getDefaultEnvironment(), ...(spec.env ?? {}) },
	stderr: 'inherit',
});
const client = new Client({ name: 'whyslow-test', version: '1.0.0' });
client.onerror = e => clientErrors.push(String(e));
await client.connect(transport);
const results = [];
for (const step of spec.steps)
	results.push(await runStep(client, step, results, transport.pid));
const out = {
	server: client.getServerVersion(),
	protocol: transport.protocolVersion ?? null,
	steps: results,
};
await client.close();
out.client_errors = clientErrors;
process.stdout.write(JSON.stringify(out) + '\n');
