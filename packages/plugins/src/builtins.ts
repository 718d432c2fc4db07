/** The plugins gitmaint loads by default, in setup order. */
import type { PluginDefinition } from "@gitmaint/core";
import aggregateDuringRepack from "./aggregate-during-repack/index.js";
import cruftWriter from "./cruft-writer/index.js";
import fdLeakGuard from "./fd-leak-guard/index.js";
import tmpPackReaper from "./tmp-pack-reaper/index.js";

// definePlugin keeps each plugin's option type; the host validates options at load time.
const asDefinition = (plugin: unknown): PluginDefinition => plugin as PluginDefinition;

export const builtinPlugins: PluginDefinition[] = [asDefinition(tmpPackReaper), asDefinition(cruftWriter), asDefinition(aggregateDuringRepack), asDefinition(fdLeakGuard)];
