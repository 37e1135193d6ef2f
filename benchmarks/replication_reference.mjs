// The reference side of benchmarks/replication.py: automerge-repo 2.5.6 repos in one Node process
// each, driven over JSON lines ({"id", "cmd", ...} in, {"id", "ok", "result"|"error"} out).
//   serve   a sync server (WebSocketServerAdapter) that imports every <id>.automerge file of a
//           folder (the very bytes a Mekaar node keeps) and announces them to whoever connects,
//           as a node announces its documents to the peers it serves
//   client  a repo that dials a server (WebSocketClientAdapter) and keeps what it gets in a
//           storage that outlives the repo, so a second `client` is a restart with saved docs
//           and sync states
//   wait    until the client holds documents at given heads; answers with the wall-clock time
// The packages come from tests/interop/node_modules (npm ci there).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

// by file, so the packages' own imports resolve inside tests/interop/node_modules (one Automerge)
const modules = new URL("../tests/interop/node_modules/", import.meta.url);
const { Repo, applyChanges, decodeHeads } = await import(
  new URL("@automerge/automerge-repo/dist/entrypoints/fullfat.js", modules)
);
const { WebSocketClientAdapter, WebSocketServerAdapter } = await import(
  new URL("@automerge/automerge-repo-network-websocket/dist/index.js", modules)
);
const { WebSocketServer } = await import(new URL("ws/wrapper.mjs", modules));

// keys grouped by their first part (the document id), so loadRange costs what the document
// holds, not what the whole repo holds (a filter over every key made 5,000 documents quadratic)
class MemoryStorage {
  constructor() { this.groups = new Map(); }
  group(key) {
    let g = this.groups.get(key[0]);
    if (!g) this.groups.set(key[0], (g = new Map()));
    return g;
  }
  async load(key) { return this.groups.get(key[0])?.get(key.join("/")); }
  async save(key, value) { this.group(key).set(key.join("/"), value); }
  async remove(key) { this.groups.get(key[0])?.delete(key.join("/")); }
  async loadRange(prefix) {
    const p = prefix.join("/");
    const groups = prefix.length ? [this.groups.get(prefix[0]) ?? new Map()] : this.groups.values();
    return [...groups].flatMap((g) => [...g.entries()])
      .filter(([k]) => !p || k === p || k.startsWith(p + "/"))
      .map(([k, data]) => ({ key: k.split("/"), data }));
  }
  async removeRange(prefix) {
    for (const { key } of await this.loadRange(prefix)) this.remove(key);
  }
}

const storage = new MemoryStorage();
let repo = null;
let wss = null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const same = (a, b) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

const commands = {
  async serve({ folder, peerId }) {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 256 * 1024 * 1024 });
    await new Promise((r) => wss.on("listening", r));
    repo = new Repo({ network: [new WebSocketServerAdapter(wss)], peerId, storage });
    const start = performance.now();
    let count = 0;
    for (const name of readdirSync(folder)) {
      if (!name.endsWith(".automerge")) continue;
      repo.import(readFileSync(join(folder, name)), { docId: name.slice(0, -10) });
      count++;
    }
    await repo.flush();
    return { port: wss.address().port, count, ms: performance.now() - start };
  },

  client({ url, peerId }) {
    repo = new Repo({ network: [new WebSocketClientAdapter(url, 1000)], peerId, storage });
    return null;
  },

  // `changes`: {documentId: [hex of one change chunk, ...]} applied to the served documents
  async apply({ changes }) {
    for (const [id, list] of Object.entries(changes)) {
      const chunks = list.map((hex) => new Uint8Array(Buffer.from(hex, "hex")));
      repo.handles[id].update((d) => applyChanges(d, chunks)[0]);
    }
    await repo.flush();
    return null;
  },

  async wait({ heads, timeoutMs }) {
    const left = new Map(Object.entries(heads));
    const until = Date.now() + (timeoutMs ?? 600000);
    while (left.size && Date.now() < until) {
      for (const [id, want] of left) {
        const h = repo.handles[id];
        if (h?.isReady() && same(decodeHeads(h.heads()), want)) left.delete(id);
      }
      if (left.size) await sleep(20);
    }
    return { at: Date.now() / 1000, missing: left.size };
  },

  async stop() {
    if (repo) await repo.shutdown().catch(() => {});
    if (wss) wss.close();
    repo = null;
    wss = null;
    return null;
  },
};

// stdout carries the answers alone: automerge-repo logs there (console.log) when a document
// waits long, and the driver read such a line as a broken answer
console.log = (...args) => console.error(...args);

// automerge-repo rejects some internal promises after 60 s under load (withTimeout) without
// anyone awaiting them; note it and carry on, as a long-running sync server would have to
process.on("unhandledRejection", (e) => console.error("unhandled rejection:", String(e)));

const rl = createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on("line", (line) => {
  queue = queue.then(async () => {
    let request;
    try {
      request = JSON.parse(line);
      const result = await commands[request.cmd](request);
      process.stdout.write(JSON.stringify({ id: request.id, ok: true, result: result ?? null }) + "\n");
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: request?.id, ok: false, error: String(e?.stack ?? e) }) + "\n");
    }
  });
});
rl.on("close", () => { queue.then(() => process.exit(0)); });
