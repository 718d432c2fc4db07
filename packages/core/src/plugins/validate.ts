/**
 * Checks a loaded plugin's shape and apiVersion, and validates its options against its schema
 * with one clear error per bad key (naming the plugin, the key and, when known, the config file).
 */
import { z } from "zod";
import { PluginError } from "../errors.js";
import { didYouMean } from "../util/suggest.js";
import { PLUGIN_API_VERSION, type PluginDefinition } from "./types.js";

export function checkDefinition(candidate: unknown, source: string): PluginDefinition {
  const def = (candidate && typeof candidate === "object" && "default" in candidate && !("setup" in candidate)
    ? (candidate as { default: unknown }).default
    : candidate) as Partial<PluginDefinition> | undefined;
  const label = typeof def?.name === "string" && def.name ? def.name : source;
  if (!def || typeof def !== "object") throw new PluginError(label, `${source} does not export a plugin (use definePlugin)`);
  if (typeof def.name !== "string" || !/^[a-z0-9@][a-z0-9@/._-]*$/i.test(def.name))
    throw new PluginError(label, `${source}: plugin "name" must be a non-empty string`);
  if (typeof def.setup !== "function") throw new PluginError(label, `${source}: plugin has no setup(ctx) function`);
  if (def.apiVersion !== PLUGIN_API_VERSION)
    throw new PluginError(
      label,
      `apiVersion ${JSON.stringify(def.apiVersion)} is not supported (this gitmaint implements apiVersion ${PLUGIN_API_VERSION})`,
    );
  if (def.options !== undefined && !(def.options instanceof z.ZodType))
    throw new PluginError(label, `"options" must be a zod schema (use the z exported by @gitmaint/core)`);
  return def as PluginDefinition;
}

/** Validates raw options; throws PluginError naming `plugins.<name>.<key>` and the file. */
export function validateOptions(def: PluginDefinition, raw: unknown, file?: string): unknown {
  const schema = def.options ?? z.object({}).strict();
  const result = schema.safeParse(raw ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = file ? `${file}: ` : "";
  if (!issue) throw new PluginError(def.name, `${where}invalid options`);
  const base = ["plugins", def.name, ...issue.path.map(String)].join(".");
  if (issue.code === "unrecognized_keys") {
    const keys = (issue as { keys: string[] }).keys;
    const known = knownKeys(schema);
    const key = keys[0] ?? "?";
    const hint = didYouMean(key, known);
    throw new PluginError(def.name, `${where}unknown key "${base}.${key}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  throw new PluginError(def.name, `${where}invalid value at "${base}": ${issue.message}`);
}

function knownKeys(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
}
