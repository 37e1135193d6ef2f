// The request loop the repo drivers share: one JSON request per stdin line, {id, cmd, ...},
// answered in order on stdout as {id, ok, result} or {id, ok: false, error}. Requests run one at a
// time, so a test's steps happen in the order it sends them.
import { createInterface } from "node:readline";

export function serveJsonLines(commands) {
  const rl = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on("line", (line) => {
    queue = queue.then(async () => {
      let request;
      try {
        request = JSON.parse(line);
        const fn = commands[request.cmd];
        if (!fn) throw new Error(`unknown command ${request.cmd}`);
        const result = await fn(request);
        process.stdout.write(JSON.stringify({ id: request.id, ok: true, result: result ?? null }) + "\n");
      } catch (e) {
        process.stdout.write(JSON.stringify({ id: request?.id, ok: false, error: String(e?.stack ?? e) }) + "\n");
      }
    });
  });
  rl.on("close", () => { queue.then(() => process.exit(0)); });
}
