import type { z } from "zod";
import type { PluginDefinition } from "./types.js";

/** Declares a plugin. Returns the definition unchanged; the host validates it when loading. */
export function definePlugin<S extends z.ZodType>(definition: PluginDefinition<S>): PluginDefinition<S> {
  return definition;
}
