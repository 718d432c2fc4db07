/** Parsing and comparing `git version` output. */
import type { GitVersion } from "./types.js";

/**
 * Parses `git version 2.39.5` (also `2.39.5.windows.1`, `2.40.0.rc1`, `2.45.GIT`, a bare
 * `2.39.5`). Returns undefined when no version number is found.
 */
export function parseGitVersion(output: string): GitVersion | undefined {
  const m = /(?:^|\s)(\d+)\.(\d+)(?:\.(\d+))?/.exec(output.trim().replace(/^git version\s+/i, " "));
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  return { major, minor, patch, text: `${major}.${minor}.${patch}` };
}

/** True when `v` is at least major.minor.patch. */
export function versionAtLeast(v: GitVersion, major: number, minor: number, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}
