/**
 * The side git dir that stores the snapshots: created bare when missing, with configuration that
 * keeps git from doing slow or surprising things behind a snapshot (no auto gc or maintenance, no
 * fsmonitor, no untracked cache, no line-ending conversion), and its `info/exclude`.
 */
import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { GitRunnerApi } from "@gitmaint/core";

/**
 * Passed as `-c` to every run (so a side dir created by another tool behaves the same) and
 * written to the config of a side dir this library creates.
 */
export const SIDE_CONFIG: Readonly<Record<string, string>> = {
  "gc.auto": "0",
  "gc.autoDetach": "false",
  "maintenance.auto": "false",
  "core.fsmonitor": "false",
  "core.untrackedCache": "false",
  "core.autocrlf": "false",
  "core.safecrlf": "false",
  "core.logAllRefUpdates": "false",
  "core.sparseCheckout": "false",
  "advice.addEmbeddedRepo": "false",
};

/** Creates the side git dir (bare) when it has no HEAD yet. Returns true when it created it. */
export async function ensureSideRepo(git: GitRunnerApi, gitDir: string, timeoutMs: number): Promise<boolean> {
  if (existsSync(join(gitDir, "HEAD"))) return false;
  await mkdir(dirname(gitDir), { recursive: true });
  await git.run(["init", "--bare", "-q", gitDir], { cwd: dirname(gitDir), timeoutMs, cleanupOnFailure: false });
  await appendFile(join(gitDir, "config"), configText(SIDE_CONFIG));
  return true;
}

/** Config-file text for `key=value` pairs (`section.name` or `section.sub.name` keys). */
export function configText(pairs: Readonly<Record<string, string>>): string {
  let text = "";
  for (const [key, value] of Object.entries(pairs)) {
    const first = key.indexOf(".");
    const last = key.lastIndexOf(".");
    const section = key.slice(0, first);
    const sub = first === last ? undefined : key.slice(first + 1, last);
    text += `[${section}${sub === undefined ? "" : ` "${sub}"`}]\n\t${key.slice(last + 1)} = ${value}\n`;
  }
  return text;
}

const HEADER = "# written by gitmaint snapshot-throttle (the `exclude` option); edits are overwritten\n";

/** The content of `info/exclude` for the given patterns. */
export function excludeContent(patterns: readonly string[]): string {
  const lines = patterns.map((p) => p.trim()).filter((p) => p !== "" && !p.includes("\n"));
  return HEADER + lines.map((l) => `${l}\n`).join("");
}

/**
 * Writes `info/exclude` when its content differs (atomically). Returns true when it changed,
 * i.e. when files that are now excluded may still be in the snapshot index.
 */
export async function syncExclude(gitDir: string, patterns: readonly string[]): Promise<boolean> {
  const path = join(gitDir, "info", "exclude");
  const want = excludeContent(patterns);
  let have: string | undefined;
  try {
    have = await readFile(path, "utf8");
  } catch {
    have = undefined;
  }
  if (have === want) return false;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.gitmaint-${process.pid}`;
  await writeFile(tmp, want);
  await rename(tmp, path);
  // A fresh file that only holds git's default comments (or nothing) excluded nothing before.
  return patterns.length > 0 || (have !== undefined && have.split("\n").some((l) => l.trim() !== "" && !l.startsWith("#")));
}
