/** Runs the real `gitmaint` binary (built dist) as a child process. */
import { spawn, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gitEnv, tempDir } from "./fixtures.js";

export const GITMAINT_BIN = fileURLToPath(new URL("../../packages/tui/bin/gitmaint.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for the binary: isolated HOME/git config and a private state dir. */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...gitEnv(), GITMAINT_STATE_DIR: tempDir("state-"), ...extra };
}

export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [GITMAINT_BIN, ...args], {
    cwd: options.cwd ?? tempDir("cwd-"),
    env: options.env ?? cliEnv(),
    encoding: "utf8",
    timeout: options.timeoutMs ?? 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [GITMAINT_BIN, ...args], {
    cwd: options.cwd ?? tempDir("cwd-"),
    env: options.env ?? cliEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** A user error: exactly one line on stderr, prefixed "gitmaint:", no stack trace. */
export function expectOneLineError(result: CliResult): string {
  const lines = result.stderr.trim().split("\n");
  if (lines.length !== 1 || !lines[0]!.startsWith("gitmaint: ") || /\n\s+at /.test(result.stderr))
    throw new Error(`expected a one-line error, got:\n${result.stderr}`);
  return lines[0]!;
}
