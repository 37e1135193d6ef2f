// The reference automerge-repo 2.5.6 side of tests/interop/test_repo_node.py: clients (Repo +
// WebSocketClientAdapter) of a running Mekaar node, and a plain sync server (Repo +
// WebSocketServerAdapter, sharePolicy false) a node dials. Same JSON-lines protocol as
// repo_driver.mjs; unlike it, documents may hold Dates (initiatives carry timestamps), are changed
// at a path, and can be awaited by a predicate on a path, so the tests can build documents that
// pass the node's schemas and watch for a node's edit deep inside one.
//   -> {"id": 3, "cmd": "find", "repo": "a", "url": "automerge:..."}
//   <- {"id": 3, "ok": true, "result": {...}}   or {"id": 3, "ok": false, "error": "..."}
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import {
  WebSocketClientAdapter,
  WebSocketServerAdapter,
} from "@automerge/automerge-repo-network-websocket";
import { WebSocketServer } from "ws";
import { serveJsonLines } from "./json_lines.mjs";

const repos = new Map();
const handles = new Map(); // `${repo} ${url}` -> handle
const servers = [];

const json = (doc) => JSON.parse(JSON.stringify(doc)); // Dates become ISO strings
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

// `dates` names dot paths whose ISO strings become Dates (Automerge timestamps)
function withDates(value, dates) {
  const v = structuredClone(value);
  for (const path of dates ?? []) {
    const keys = path.split(".");
    let o = v;
    for (const k of keys.slice(0, -1)) o = o[k];
    const last = keys[keys.length - 1];
    o[last] = new Date(o[last]);
  }
  return v;
}

const at = (doc, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), doc);

const commands = {
  ping: () => "pong",

  async serve({ repo: name, peerId }) {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.on("listening", r));
    const r = new Repo({
      network: [new WebSocketServerAdapter(wss)],
      peerId,
      sharePolicy: async () => false,
    });
    repos.set(name, r);
    servers.push(wss);
    return { port: wss.address().port };
  },

  client({ repo: name, url, peerId }) {
    repos.set(name, new Repo({ network: [new WebSocketClientAdapter(url, 500)], peerId }));
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

  // a new document holding `value`, with its own id written at `idKey` (as a node's envelope has)
  create({ repo: name, value, dates, idKey }) {
    const h = repo(name).create();
    const content = withDates(value, dates);
    if (idKey) content[idKey] = h.documentId;
    h.change((d) => Object.assign(d, content), { message: "aanmaken" });
    handles.set(`${name} ${h.url}`, h);
    return { url: h.url, documentId: h.documentId, heads: A.getHeads(h.doc()) };
  },

  // d[path] = value (a JS string becomes collaborative text, as in any Automerge 3 app)
  async change({ repo: name, url, path, value, dates }) {
    const h = await handle(name, url);
    const v = withDates({ v: value }, (dates ?? []).map((p) => `v${p ? "." + p : ""}`)).v;
    h.change((d) => {
      const parent = at(d, path.slice(0, -1));
      parent[path[path.length - 1]] = v;
    });
    return { heads: A.getHeads(h.doc()) };
  },

  async heads({ repo: name, url }) {
    return A.getHeads((await handle(name, url)).doc());
  },

  // until the JSON value at `path` equals `value` (or, with `has`, holds that key)
  async waitFor({ repo: name, url, path, value, has, timeoutMs }) {
    const h = await handle(name, url);
    const until = Date.now() + (timeoutMs ?? 20000);
    while (Date.now() < until) {
      const v = json(at(h.doc(), path) ?? null);
      if (has !== undefined ? v && has in v : JSON.stringify(v) === JSON.stringify(value)) {
        return json(h.doc());
      }
      await sleep(20);
    }
    throw new Error(`timed out waiting at ${path.join(".")}: ${JSON.stringify(h.doc())}`);
  },

  // until this repo holds the document with exactly these heads (hex), without asking anyone
  async held({ repo: name, documentId, heads, timeoutMs }) {
    const until = Date.now() + (timeoutMs ?? 20000);
    const want = JSON.stringify([...heads].sort());
    while (Date.now() < until) {
      const h = repo(name).handles[documentId];
      const doc = h?.isReady() ? h.doc() : undefined;
      if (doc && JSON.stringify([...A.getHeads(doc)].sort()) === want) return json(doc);
      await sleep(20);
    }
    const h = repo(name).handles[documentId];
    throw new Error(`${name} does not hold ${documentId} at ${want}: ${h?.isReady() ? JSON.stringify(A.getHeads(h.doc())) : "no handle"}`);
  },

  async shutdown() {
    for (const r of repos.values()) await r.shutdown().catch(() => {});
    for (const s of servers) s.close();
    repos.clear();
    handles.clear();
    servers.length = 0;
    return null;
  },
};

serveJsonLines(commands);
