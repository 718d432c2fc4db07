/** The shape of a gitmaint config file (validated; unknown keys are errors). */
import { z } from "zod";

const pluginRef = z.union([z.string().min(1), z.tuple([z.string().min(1), z.record(z.string(), z.unknown())])]);

export const daemonSchema = z
  .object({
    statsIntervalMs: z.number().int().positive().optional(),
    processScanIntervalMs: z.number().int().positive().optional(),
    handlerTimeoutMs: z.number().int().positive().optional(),
    maxFailures: z.number().int().positive().optional(),
    shutdownTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    repos: z.array(z.string().min(1)).optional(),
    plugins: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    extraPlugins: z.array(pluginRef).optional(),
    daemon: daemonSchema.optional(),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type DaemonConfig = z.infer<typeof daemonSchema>;

/** A validated config with paths resolved against the file's directory. */
export interface GitmaintConfig {
  /** The file it came from, or undefined when none was found. */
  file: string | undefined;
  /** Directory plugins and repos are resolved from. */
  dir: string;
  repos: string[];
  /** Per-plugin options (with `enabled` removed). */
  pluginOptions: Record<string, Record<string, unknown>>;
  /** Per-plugin enabled flag from config (`plugins.<name>.enabled`). */
  pluginEnabled: Record<string, boolean>;
  extraPlugins: Array<{ ref: string; options: Record<string, unknown> | undefined }>;
  daemon: DaemonConfig;
}

export const TOP_LEVEL_KEYS = ["repos", "plugins", "extraPlugins", "daemon"] as const;
