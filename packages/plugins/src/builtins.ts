/** The plugins gitmaint loads by default, in setup order. */
import type { PluginDefinition } from "@gitmaint/core";
import tmpPackReaper from "./tmp-pack-reaper/index.js";

export const builtinPlugins: PluginDefinition[] = [tmpPackReaper as unknown as PluginDefinition];
