import type { PluginStateName } from "../events/types.js";
import type { PluginDefinition, PluginHooks } from "./types.js";

/** The host's bookkeeping for one plugin. */
export interface PluginRecord {
  definition: PluginDefinition;
  source: string;
  enabled: boolean;
  options: unknown;
  state: PluginStateName;
  message: string | undefined;
  /** Consecutive failures. */
  failures: number;
  totalFailures: number;
  hooks: PluginHooks;
  /** Aborted at shutdown or when the plugin is disabled. */
  controller: AbortController;
  /** Unsubscribers and timer cancellers, run when the plugin is disabled or shut down. */
  cleanups: Array<() => void>;
  /** Running handler/timer/run promises (settled versions). */
  inflight: Set<Promise<void>>;
  nextRunAt: number | undefined;
  paused: boolean;
}
