// Fetches BASE/0 .. BASE/N-1 with http.get, one after another, awaiting
// each answer in node's event loop (epoll).
//     node fetch_serial.js BASE N
'use strict';
const http = require('http');

function get(url) {
	return new Promise((resolve, reject) => {
		http.get(url, (res) => {
			let n = 0;
			res.on('data', (chunk) => { n += chunk.length; });
			res.on('end', () => resolve(n));
		}).on('error', reject);
	});
}

(async () => {
	const [base, n] = [process.argv[2], Number(process.argv[3])];
	let bytes = 0;
	for (let i = 0; i < n; i++)
		bytes += await get(`${base}/${i}`);
	process.stderr.write(`fetched ${n}, ${bytes} bytes\n`);
})().catch((e) => { console.error(e); process.exit(1); });
