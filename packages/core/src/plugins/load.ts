/**
 * Resolves and imports third-party plugins named in config: an npm package name (resolved from the
 * config file's directory, like prettier and semantic-release do) or a path.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PluginError, errorMessage } from "../errors.js";
import { checkDefinition } from "./validate.js";
import type { PluginDefinition } from "./types.js";

export function isPathRef(ref: string): boolean {
  return ref.startsWith(".") || ref.startsWith("/") || isAbsolute(ref);
}

/** The file to import for a plugin reference, or a PluginError naming it. */
export function resolvePluginRef(ref: string, fromDir: string): string {
  if (isPathRef(ref)) {
    const p = resolve(fromDir, ref);
    if (!existsSync(p)) throw new PluginError(ref, `not found: ${p}`);
    return statSync(p).isDirectory() ? packageEntry(p, ref) : p;
  }
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", ref);
    if (existsSync(join(candidate, "package.json"))) return packageEntry(candidate, ref);
    if (dirname(dir) === dir) break;
  }
  throw new PluginError(ref, `package "${ref}" is not installed (looked in node_modules from ${fromDir} upwards; run npm install ${ref})`);
}

function packageEntry(dir: string, ref: string): string {
  let pkg: { exports?: unknown; main?: string };
  try {
    pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as typeof pkg;
  } catch (error) {
    throw new PluginError(ref, `cannot read ${join(dir, "package.json")}: ${errorMessage(error)}`);
  }
  const entry = exportTarget(pkg.exports) ?? pkg.main ?? "index.js";
  const file = resolve(dir, entry);
  if (!existsSync(file)) throw new PluginError(ref, `entry point ${file} does not exist (is the package built?)`);
  return file;
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (!exports || typeof exports !== "object") return undefined;
  const e = exports as Record<string, unknown>;
  const root = "." in e ? e["."] : e;
  if (typeof root === "string") return root;
  if (root && typeof root === "object") {
    const r = root as Record<string, unknown>;
    for (const k of ["import", "node", "default"]) {
      const v = r[k];
      if (typeof v === "string") return v;
      const nested = exportTarget(v);
      if (nested) return nested;
    }
  }
  return undefined;
}

/** Imports and shape-checks a plugin by reference. */
export async function importPlugin(ref: string, fromDir: string): Promise<PluginDefinition> {
  const file = resolvePluginRef(ref, fromDir);
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw new PluginError(ref, `failed to load ${file}: ${errorMessage(error).split("\n")[0]}`);
  }
  return checkDefinition(mod, ref);
}
