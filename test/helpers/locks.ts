/**
 * Helpers for the locks/journal tests: the built core (`packages/core/dist`) for child node
 * processes, and "agents" — child node processes driving a real Locks over a line protocol.
 */
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { spawnTracked } from "./fixtures.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Absolute path of the built @gitmaint/core. */
export const coreDist = join(root, "packages", "core", "dist");

/** Throws unless dist is at least as new as the sources the children use. */
export function assertDistFresh(areas = ["locks", "journal", "state"]): void {
  if (!existsSync(join(coreDist, "process", "table.js"))) throw new Error("packages/core/dist is not built: run `npx tsc --build` first");
  for (const area of areas) {
    const src = join(root, "packages", "core", "src", area);
    for (const file of readdirSync(src)) {
      if (!file.endsWith(".ts") || file.endsWith(".test.ts")) continue;
      const built = join(coreDist, area, file.replace(/\.ts$/, ".js"));
      let builtMs = 0;
      try {
        builtMs = statSync(built).mtimeMs;
      } catch {
        // missing
      }
      if (builtMs < statSync(join(src, file)).mtimeMs) {
        throw new Error(`${built} is missing or older than its source: run \`npx tsc --build\` first`);
      }
    }
  }
}

/** A pid that certainly belonged to a process that has exited (and been reaped). */
export function deadPid(): number {
  const r = spawnSync("true");
  if (!r.pid) throw new Error("could not spawn `true`");
  return r.pid;
}

export interface AgentReply {
  ok: boolean;
  cmd?: string;
  error?: string;
  code?: string;
  ready?: boolean;
  pid?: number;
}

export interface Agent {
  child: ChildProcess;
  pid: number;
  /** Sends one command line and resolves with its reply. */
  send(line: string): Promise<AgentReply>;
}

/**
 * Starts a child node process holding its own `Locks` (real ProcessTable) on `repo`.
 * Commands: `acquire <name> [waitMs] [startAtMs]`, `release <name>`, `exit`.
 */
export async function startAgent(repo: object, options: { journalDir?: string } = {}): Promise<Agent> {
  const child = spawnTracked(process.execPath, [join(root, "test", "locks", "agent.mjs")], {
    env: {
      ...process.env,
      AGENT_CORE_DIST: coreDist,
      AGENT_REPO: JSON.stringify(repo),
      AGENT_JOURNAL_DIR: options.journalDir ?? "",
    },
  });
  const pending: { resolve: (reply: AgentReply) => void; reject: (error: Error) => void }[] = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on("line", (line) => pending.shift()?.resolve(JSON.parse(line) as AgentReply));
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.once("exit", (code, signal) => {
    for (const p of pending.splice(0)) p.reject(new Error(`agent exited (${code ?? signal}): ${stderr}`));
  });
  const next = (): Promise<AgentReply> => new Promise((resolve, reject) => pending.push({ resolve, reject }));
  const ready = await next();
  if (!ready.ready) throw new Error(`agent did not start: ${stderr}`);
  return {
    child,
    pid: child.pid!,
    send(line: string) {
      const reply = next();
      child.stdin!.write(line + "\n");
      return reply;
    },
  };
}
