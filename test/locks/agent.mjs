// A child process for the locks tests: drives a real Locks from the built core over stdin/stdout
// (one JSON reply line per command). See test/helpers/locks.ts.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const dist = process.env.AGENT_CORE_DIST;
const load = (rel) => import(pathToFileURL(`${dist}/${rel}`).href);
const { Locks } = await load("locks/locks.js");
const { ProcessTable } = await load("process/table.js");
const { Journal } = await load("journal/journal.js");

const repo = JSON.parse(process.env.AGENT_REPO);
const journal = process.env.AGENT_JOURNAL_DIR ? new Journal({ dir: process.env.AGENT_JOURNAL_DIR }) : undefined;
const locks = new Locks({ processes: new ProcessTable(), journal, owner: `agent-${process.pid}`, pollMs: 20 });
const handles = new Map();
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

out({ ok: true, ready: true, pid: process.pid });
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, name, arg, startAt] = line.trim().split(/\s+/);
  try {
    if (cmd === "acquire") {
      if (startAt) await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
      handles.set(name, await locks.acquire(repo, name, { waitMs: Number(arg ?? 0) }));
    } else if (cmd === "release") {
      await handles.get(name)?.release();
      handles.delete(name);
    } else if (cmd === "exit") {
      await locks.releaseAll();
      process.exit(0);
    } else {
      throw new Error(`unknown command ${cmd}`);
    }
    out({ ok: true, cmd });
  } catch (error) {
    out({ ok: false, cmd, error: error.message, code: error.code });
  }
}
