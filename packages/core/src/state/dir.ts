/**
 * Where gitmaint keeps its own files (Journal, plugin state): the XDG state dir, overridable with
 * `GITMAINT_STATE_DIR`, and a stable file-system-safe name per repository.
 */
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";

/**
 * The gitmaint state directory: `$GITMAINT_STATE_DIR` if set, else `$XDG_STATE_HOME/gitmaint`,
 * else `~/.local/state/gitmaint`. Relative values of the variables are ignored (XDG says so).
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env["GITMAINT_STATE_DIR"];
  if (own && own.startsWith("/")) return own;
  const xdg = env["XDG_STATE_HOME"];
  if (xdg && xdg.startsWith("/")) return join(xdg, "gitmaint");
  const home = env["HOME"] && env["HOME"].startsWith("/") ? env["HOME"] : homedir();
  return join(home, ".local", "state", "gitmaint");
}

/**
 * A stable, file-system-safe name for a repository id (its absolute common git dir):
 * `<basename-sanitized>-<first 12 hex of sha256(repoId)>`. For `/src/app/.git` the basename
 * is taken from the work tree (`app`), for bare `/srv/app.git` it is `app.git`.
 */
export function repoKey(repoId: string): string {
  const trimmed = repoId.replace(/\/+$/, "");
  let base = basename(trimmed);
  if (base === ".git") base = basename(dirname(trimmed));
  const safe = sanitizeName(base, "repo");
  const hash = createHash("sha256").update(repoId).digest("hex").slice(0, 12);
  return `${safe}-${hash}`;
}

/** Keeps `[A-Za-z0-9._-]`, replaces the rest by `_`, strips leading dots, caps at 40 chars. */
export function sanitizeName(name: string, fallback: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .replace(/^\.+/, "")
    .slice(0, 40);
  return safe === "" ? fallback : safe;
}

/** Creates a private directory (mode 0700) and its parents. */
export async function ensurePrivateDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
}
