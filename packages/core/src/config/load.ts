/**
 * Finds (cosmiconfig, module name `gitmaint`) and validates the config. Every problem is a
 * ConfigError whose one-line message names the file and the key, with a "did you mean".
 */
import { cosmiconfig } from "cosmiconfig";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError, errorMessage } from "../errors.js";
import { didYouMean } from "../util/suggest.js";
import { configSchema, daemonSchema, TOP_LEVEL_KEYS, type GitmaintConfig } from "./schema.js";

export interface LoadConfigOptions {
  /** An explicit config file (`--config`); otherwise searched from `cwd` upwards. */
  file?: string;
  cwd?: string;
  /** Stop the search here (default: the user's home). */
  stopDir?: string;
}

/** Where a config is looked for in each directory, first match wins. */
export const SEARCH_PLACES = [
  "package.json",
  ".gitmaintrc",
  ".gitmaintrc.json",
  ".gitmaintrc.yaml",
  ".gitmaintrc.yml",
  ".gitmaintrc.js",
  ".gitmaintrc.mjs",
  ".gitmaintrc.cjs",
  "gitmaint.config.json",
  "gitmaint.config.yaml",
  "gitmaint.config.yml",
  "gitmaint.config.js",
  "gitmaint.config.mjs",
  "gitmaint.config.cjs",
];

export async function loadConfig(options: LoadConfigOptions = {}): Promise<GitmaintConfig> {
  const cwd = options.cwd ?? process.cwd();
  const explorer = cosmiconfig("gitmaint", {
    searchPlaces: SEARCH_PLACES,
    // walk up from cwd to the home dir (or the root), then ~/.config/gitmaint
    searchStrategy: "global",
    ...(options.stopDir ? { stopDir: options.stopDir } : {}),
    cache: false,
  });
  let found: { config: unknown; filepath: string; isEmpty?: boolean } | null;
  const label = options.file ? resolve(cwd, options.file) : undefined;
  try {
    found = label ? await explorer.load(label) : await explorer.search(cwd);
  } catch (error) {
    const message = errorMessage(error).split("\n").find((l) => l.trim() !== "") ?? "unreadable";
    const file = label ?? (error as { filepath?: string }).filepath ?? "config";
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ConfigError(`${file}: config file not found`, { file });
    throw new ConfigError(`${file}: cannot parse config: ${message.replace(/^.*?Error:\s*/, "")}`, { file }, { cause: error });
  }
  if (!found) return emptyConfig(cwd);
  const file = found.filepath;
  const raw = found.isEmpty || found.config === undefined || found.config === null ? {} : found.config;
  return validateConfig(raw, file);
}

export function emptyConfig(dir: string): GitmaintConfig {
  return { file: undefined, dir, repos: [], pluginOptions: {}, pluginEnabled: {}, extraPlugins: [], daemon: {} };
}

export function validateConfig(raw: unknown, file: string): GitmaintConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ConfigError(`${file}: the config must be an object with keys ${TOP_LEVEL_KEYS.join(", ")}`, { file });
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw configIssue(parsed.error, file);
  const cfg = parsed.data;
  const dir = dirname(file);
  const pluginOptions: Record<string, Record<string, unknown>> = {};
  const pluginEnabled: Record<string, boolean> = {};
  for (const [name, opts] of Object.entries(cfg.plugins ?? {})) {
    const { enabled, ...rest } = opts;
    if (enabled !== undefined && typeof enabled !== "boolean")
      throw new ConfigError(`${file}: invalid value at "plugins.${name}.enabled": expected true or false`, { file, key: `plugins.${name}.enabled` });
    if (enabled !== undefined) pluginEnabled[name] = enabled;
    pluginOptions[name] = rest;
  }
  return {
    file,
    dir,
    repos: (cfg.repos ?? []).map((r) => resolve(dir, r.replace(/^~(?=$|\/)/, process.env.HOME ?? "~"))),
    pluginOptions,
    pluginEnabled,
    extraPlugins: (cfg.extraPlugins ?? []).map((ref) =>
      typeof ref === "string" ? { ref, options: undefined } : { ref: ref[0], options: ref[1] },
    ),
    daemon: cfg.daemon ?? {},
  };
}

function configIssue(error: z.ZodError, file: string): ConfigError {
  const issue = error.issues[0];
  if (!issue) return new ConfigError(`${file}: invalid config`, { file });
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = (issue as { keys: string[] }).keys[0] ?? "?";
    const known: readonly string[] = path.length === 0 ? TOP_LEVEL_KEYS : path[0] === "daemon" ? Object.keys(daemonSchema.shape) : [];
    const hint = didYouMean(key, known);
    const full = [...path, key].join(".");
    return new ConfigError(`${file}: unknown key "${full}"${hint ? ` (did you mean "${[...path, hint].join(".")}"?)` : ""}`, { file, key: full });
  }
  const key = path.join(".") || "(root)";
  return new ConfigError(`${file}: invalid value at "${key}": ${issue.message}`, { file, key });
}
