// SPDX-License-Identifier: GPL-2.0
// Two JavaScript functions burning CPU at about 60/40, ~1.2 s in all, for
// the JIT perf-map tests (run with node --perf-basic-prof).  Each call is
// long (a few tens of ms) so the loop around them stays cold and V8
// compiles each function on its own instead of inlining it.  Prints on
// stderr the time each took by its own clock:
// "crunch.js: crunchA_ms=A crunchB_ms=B".
'use strict';
const { performance } = require('perf_hooks');

function crunchA(n) {
  let x = 1;
  for (let i = 0; i < n; i++)
    x = (x * 1103515245 + 12345) % 2147483648;
  return x;
}

function crunchB(n) {
  let x = 7;
  for (let i = 0; i < n; i++)
    x = (x ^ (x << 5) ^ i) % 1000003;
  return x;
}

const deadline = performance.now() + 1200;
let a = 0, b = 0, sink = 0;
while (performance.now() < deadline) {
  let t = performance.now();
  sink += crunchA(1.5e6);
  a += performance.now() - t;
  t = performance.now();
  sink += crunchB(4e6);
  b += performance.now() - t;
}
console.error(`crunch.js: crunchA_ms=${a.toFixed(1)} crunchB_ms=${b.toFixed(1)} ` +
              `sink=${sink % 10}`);
