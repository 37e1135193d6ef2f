// The reference automerge-repo 2.5.6 side of tests/interop/test_repo_*.py: repos (clients over
// WebSocketClientAdapter, or a sync server over WebSocketServerAdapter) driven over JSON lines,
// with the same protocol as oracle.mjs:
//   -> {"id": 3, "cmd": "find", "repo": "a", "url": "automerge:..."}
//   <- {"id": 3, "ok": true, "result": {...}}   or {"id": 3, "ok": false, "error": "..."}
// Documents come back as plain JSON (JSON.parse(JSON.stringify(doc))).
import { Repo, cbor } from "@automerge/automerge-repo";
import {
  WebSocketClientAdapter,
  WebSocketServerAdapter,
} from "@automerge/automerge-repo-network-websocket";
import { WebSocketServer } from "ws";
import { serveJsonLines } from "./json_lines.mjs";

const repos = new Map();
const handles = new Map(); // `${repo} ${url}` -> handle
const heard = new Map(); // `${repo} ${url}` -> ephemeral messages received
const servers = [];

// A storage adapter in memory, so a repo has a storage id and keeps peers' sync states.
class MemoryStorage {
  constructor() { this.data = new Map(); }
  async load(key) { return this.data.get(key.join("/")); }
  async save(key, value) { this.data.set(key.join("/"), value); }
  async remove(key) { this.data.delete(key.join("/")); }
  async loadRange(prefix) {
    const p = prefix.join("/");
    return [...this.data.entries()]
      .filter(([k]) => k === p || k.startsWith(p + "/"))
      .map(([k, data]) => ({ key: k.split("/"), data }));
  }
  async removeRange(prefix) {
    for (const { key } of await this.loadRange(prefix)) this.data.delete(key.join("/"));
  }
}

const json = (doc) => JSON.parse(JSON.stringify(doc));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function repo(name) {
  const r = repos.get(name);
  if (!r) throw new Error(`no repo named ${name}`);
  return r;
}

async function handle(name, url, timeoutMs = 10000) {
  const key = `${name} ${url}`;
  let h = handles.get(key);
  if (!h) {
    h = await repo(name).find(url, { signal: AbortSignal.timeout(timeoutMs) });
    handles.set(key, h);
  }
  return h;
}

const commands = {
  ping: () => "pong",

  // a sync server like automerge-repo-sync-server: sharePolicy false, serves whoever asks
  async serve({ repo: name, peerId, storage }) {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.on("listening", r));
    const r = new Repo({
      network: [new WebSocketServerAdapter(wss)],
      peerId,
      sharePolicy: async () => false,
      storage: storage ? new MemoryStorage() : undefined,
    });
    repos.set(name, r);
    servers.push(wss);
    return { port: wss.address().port };
  },

  client({ repo: name, url, peerId, storage }) {
    const r = new Repo({
      network: [new WebSocketClientAdapter(url, 500)],
      peerId,
      storage: storage ? new MemoryStorage() : undefined,
    });
    repos.set(name, r);
    return null;
  },

  async find({ repo: name, url, timeoutMs }) {
    try {
      return json((await handle(name, url, timeoutMs ?? 10000)).doc());
    } catch (e) {
      if (String(e).includes("unavailable")) return { unavailable: true, error: String(e) };
      throw e;
    }
  },

  create({ repo: name, value }) {
    const h = repo(name).create(value);
    handles.set(`${name} ${h.url}`, h);
    return { url: h.url, documentId: h.documentId };
  },

  async change({ repo: name, url, key, value }) {
    (await handle(name, url)).change((d) => { d[key] = value; });
    return null;
  },

  async get({ repo: name, url }) {
    return json((await handle(name, url)).doc());
  },

  async waitFor({ repo: name, url, key, value, timeoutMs }) {
    const h = await handle(name, url);
    const until = Date.now() + (timeoutMs ?? 10000);
    while (Date.now() < until) {
      const doc = h.doc();
      if (doc && JSON.stringify(doc[key]) === JSON.stringify(value)) return json(doc);
      await sleep(20);
    }
    throw new Error(`timed out waiting for ${key}=${JSON.stringify(value)}: ${JSON.stringify(h.doc())}`);
  },

  async listen({ repo: name, url }) {
    const key = `${name} ${url}`;
    heard.set(key, []);
    (await handle(name, url)).on("ephemeral-message", ({ senderId, message }) => {
      heard.get(key).push({ senderId, message });
    });
    return null;
  },

  async broadcast({ repo: name, url, message }) {
    (await handle(name, url)).broadcast(message);
    return null;
  },

  async heard({ repo: name, url, count, timeoutMs }) {
    const key = `${name} ${url}`;
    const until = Date.now() + (timeoutMs ?? 5000);
    while ((heard.get(key) ?? []).length < (count ?? 1) && Date.now() < until) await sleep(20);
    return heard.get(key) ?? [];
  },

  // frames as the reference encodes them (automerge-repo/src/helpers/cbor.ts); fields named in
  // `bytes` are hex strings turned into Uint8Array, `undefined` lists fields set to undefined
  frame({ message, bytes, undefinedFields }) {
    const m = { ...message };
    for (const k of bytes ?? []) m[k] = new Uint8Array(Buffer.from(m[k], "hex"));
    for (const path of undefinedFields ?? []) {
      let o = m;
      const keys = path.split(".");
      for (const k of keys.slice(0, -1)) o = o[k];
      o[keys[keys.length - 1]] = undefined;
    }
    return Buffer.from(cbor.encode(m)).toString("hex");
  },

  // how the reference reads a frame we made: byte strings come back as {"bytes": hex}
  read({ frame }) {
    const walk = (v) => {
      if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString("hex") };
      if (Array.isArray(v)) return v.map(walk);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
      return v;
    };
    return walk(cbor.decode(new Uint8Array(Buffer.from(frame, "hex"))));
  },

  sleep: async ({ ms }) => { await sleep(ms); return null; },

  async shutdown() {
    for (const r of repos.values()) await r.shutdown().catch(() => {});
    for (const s of servers) s.close();
    repos.clear();
    handles.clear();
    return null;
  },
};

serveJsonLines(commands);
