/**
 * Expands the guard's root globs into existing side git dirs. Supports a leading `~`, and `*`
 * and `?` within a path segment (no `**`): enough for `~/.local/share/<tool>/snapshot/*`.
 */
import { readdirSync, realpathSync, statSync, existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve, sep } from "node:path";

/** `~` and `~/...` expanded to the home directory; relative paths made absolute. */
export function expandHome(pattern: string): string {
  if (pattern === "~") return homedir();
  if (pattern.startsWith("~/")) return join(homedir(), pattern.slice(2));
  return isAbsolute(pattern) ? pattern : resolve(pattern);
}

function segmentRegExp(segment: string): RegExp {
  const body = segment.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${body}$`);
}

/** Every existing path matching the glob (directories only when the glob ends in a wildcard segment). */
export function expandGlob(pattern: string): string[] {
  const abs = expandHome(pattern);
  const segments = abs.split(sep).filter((s) => s !== "");
  let current: string[] = [sep];
  for (const seg of segments) {
    const next: string[] = [];
    const wild = seg.includes("*") || seg.includes("?");
    for (const base of current) {
      if (!wild) {
        const p = join(base, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[] = [];
      try {
        names = readdirSync(base);
      } catch {
        names = [];
      }
      for (const n of names) if (re.test(n) && !(n.startsWith(".") && !seg.startsWith("."))) next.push(join(base, n));
    }
    current = next;
  }
  return current;
}

/** True for a directory that looks like a git dir (HEAD, objects/, refs/). */
export function looksLikeGitDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(join(dir, "HEAD")) && existsSync(join(dir, "objects")) && existsSync(join(dir, "refs"));
  } catch {
    return false;
  }
}

/** The realpath'd side git dirs the roots name today (deduplicated, sorted). */
export function watchedDirs(roots: readonly string[]): string[] {
  const out = new Set<string>();
  for (const root of roots) {
    for (const p of expandGlob(root)) {
      if (!looksLikeGitDir(p)) continue;
      try {
        out.add(realpathSync(p));
      } catch {
        // vanished
      }
    }
  }
  return [...out].sort();
}
