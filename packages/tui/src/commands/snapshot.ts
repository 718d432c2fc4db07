/**
 * `gitmaint snapshot --git-dir DIR --work-tree DIR [--timeout 30s] [--json]`: one safe snapshot
 * (createSnapshotter from @gitmaint/plugins). Prints the tree id (or `{"tree":..,"fresh":true}`);
 * exit 1 with a one-line reason on failure or timeout, 2 on bad arguments.
 */
import { statSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseDuration } from "../cli/duration.js";

export const SNAPSHOT_USAGE = `Usage: gitmaint snapshot --git-dir DIR --work-tree DIR [--timeout 30s] [--exclude PATTERN ...] [--json]

Takes a snapshot of a work tree into a side git dir (created when missing): add + write-tree with a
timeout that kills the process tree, every exit code checked, leftovers of a failed run removed.
Prints the tree id; with --json {"tree": "<oid>", "fresh": true}.
Exit 0 ok, 1 the snapshot failed or timed out, 2 bad arguments.
`;

export interface SnapshotIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs the command; never throws. */
export async function snapshotCommand(argv: string[], io: SnapshotIo): Promise<number> {
  let args;
  try {
    args = parseSnapshotArgs(argv);
  } catch (error) {
    io.stderr.write(`gitmaint snapshot: ${oneLine(error)}\n`);
    return 2;
  }
  if (args === "help") {
    io.stdout.write(SNAPSHOT_USAGE);
    return 0;
  }
  try {
    const { createSnapshotter } = await import("@gitmaint/plugins");
    const snap = createSnapshotter({ gitDir: args.gitDir, workTree: args.workTree, timeoutMs: args.timeoutMs, minIntervalMs: 0, exclude: args.exclude });
    const result = await snap.track({ force: true });
    io.stdout.write(args.json ? `${JSON.stringify({ tree: result.tree, fresh: result.fresh })}\n` : `${result.tree}\n`);
    return 0;
  } catch (error) {
    const code = typeof (error as { exitCode?: unknown }).exitCode === "number" ? (error as { exitCode: number }).exitCode : 1;
    io.stderr.write(`gitmaint snapshot: ${oneLine(error)}\n`);
    return code === 2 ? 2 : 1;
  }
}

export interface SnapshotArgs {
  gitDir: string;
  workTree: string;
  timeoutMs: number;
  exclude: string[];
  json: boolean;
}

/** Parses and checks the arguments; throws (UsageError or parseArgs' error) on bad ones. */
export function parseSnapshotArgs(argv: string[]): SnapshotArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      "git-dir": { type: "string" },
      "work-tree": { type: "string" },
      timeout: { type: "string" },
      exclude: { type: "string", multiple: true },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  const gitDir = values["git-dir"];
  const workTree = values["work-tree"];
  if (!gitDir) throw new Error("--git-dir DIR is required");
  if (!workTree) throw new Error("--work-tree DIR is required");
  let isDir = false;
  try {
    isDir = statSync(workTree).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new Error(`--work-tree ${workTree} is not a directory`);
  const timeoutMs = values.timeout === undefined ? 30_000 : parseDuration(values.timeout, "--timeout");
  if (timeoutMs <= 0) throw new Error(`--timeout must be more than 0, got "${values.timeout}"`);
  return { gitDir, workTree, timeoutMs, exclude: values.exclude ?? [], json: values.json ?? false };
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").map((l) => l.trim()).filter(Boolean).join(" ").slice(0, 500);
}
