/** The plugins gitmaint loads by default, in setup order. */
import type { PluginDefinition } from "@gitmaint/core";
import aggregateDuringRepack from "./aggregate-during-repack/index.js";
import cruftWriter from "./cruft-writer/index.js";
import fdLeakGuard from "./fd-leak-guard/index.js";
import mirrorSnapshot from "./mirror-snapshot/index.js";
import snapshotThrottle from "./snapshot-throttle/index.js";
import tmpPackReaper from "./tmp-pack-reaper/index.js";

// definePlugin keeps each plugin's option type; the host validates options at load time.
const asDefinition = (plugin: unknown): PluginDefinition => plugin as PluginDefinition;

export const builtinPlugins: PluginDefinition[] = [
  tmpPackReaper,
  cruftWriter,
  aggregateDuringRepack,
  snapshotThrottle,
  fdLeakGuard,
  mirrorSnapshot,
].map(asDefinition);
