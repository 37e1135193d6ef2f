// The reference side of benchmarks/engine.py: the same workloads with @automerge/automerge.
// Mirrors /shared/automerge/scripts/bench_reference.mjs (community document, text trace), with the
// sizes taken from the command line so the Python side and this side always measure the same work.
//
// Usage: node benchmarks/bench_reference.mjs [--sizes '{"comments":500,...}']
// Prints one JSON line per workload. The package comes from tests/interop/node_modules (npm ci
// there); NODE_PATH is honoured as a fallback, since ESM imports ignore it and require() does not.
import { createRequire } from "node:module";

const require = createRequire(new URL("../tests/interop/package.json", import.meta.url));
const A = require("@automerge/automerge");

const FULL = { comments: 500, task_edits: 200, text_chars: 20000, trace_changes: 10000 };
const arg = process.argv.indexOf("--sizes");
const sizes = { ...FULL, ...(arg > 0 ? JSON.parse(process.argv[arg + 1]) : {}) };
const t = () => performance.now();

function community() {
  let d = A.from({ title: new A.ImmutableString("Moestuin"), body: "", tasks: [], comments: [] }, { actor: "aa".repeat(16) });
  const s = t();
  for (let i = 0; i < sizes.comments; i++) d = A.change(d, (x) => { x.comments.push({ by: new A.ImmutableString("p" + (i % 40)), text: "Goed idee, ik help mee met de moestuin! " + i, at: new Date(1.7e12 + i) }); });
  for (let i = 0; i < sizes.task_edits; i++) d = A.change(d, (x) => { if (i % 3 === 0 || x.tasks.length === 0) x.tasks.push({ title: new A.ImmutableString("taak " + i), done: false }); else x.tasks[i % x.tasks.length].done = !x.tasks[i % x.tasks.length].done; });
  const text = "De buurt wil een moestuin aanleggen achter het buurthuis. ".repeat(400).slice(0, sizes.text_chars);
  for (let i = 0; i < text.length; i += 1) d = A.change(d, (x) => { A.splice(x, ["body"], i, 0, text[i]); });
  return [d, t() - s];
}

function trace() {
  let d = A.from({ text: "" }, { actor: "bb".repeat(16) }); const s = t(); let len = 0;
  for (let i = 0; i < sizes.trace_changes; i++) d = A.change(d, (x) => { if (i % 7 === 6 && len > 0) { A.splice(x, ["text"], (i * 31) % len, 1); len--; } else { A.splice(x, ["text"], (i * 17) % (len + 1), 0, "x"); len++; } });
  return [d, t() - s];
}

for (const [name, f] of [["community", community], ["trace", trace]]) {
  const [d, build] = f();
  let s = t(); const bytes = A.save(d); const save = t() - s;
  s = t(); const d2 = A.load(bytes); const load = t() - s;
  s = t(); let a = d2, b = A.init(), sa = A.initSyncState(), sb = A.initSyncState(), rounds = 0;
  for (;;) {
    let quiet = true; let m;
    [sa, m] = A.generateSyncMessage(a, sa); if (m) { quiet = false; [b, sb] = A.receiveSyncMessage(b, sb, m); }
    [sb, m] = A.generateSyncMessage(b, sb); if (m) { quiet = false; [a, sa] = A.receiveSyncMessage(a, sa, m); }
    rounds++; if (quiet) break;
  }
  const sync = t() - s;
  const same = A.getHeads(b).join() === A.getHeads(d).join();
  console.log(JSON.stringify({ name, changes: A.getAllChanges(d).length, bytes: bytes.length, build_ms: build, save_ms: save, load_ms: load, sync_ms: sync, rounds, synced: same }));
}
