/**
 * tmp-pack-reaper: reclaims leaked temporary files, quarantine dirs and stale locks once it can
 * prove them dead (no holder, no possible writer, named owner dead, older than the grace).
 * See README.md for every kind's rule, the options and the safety argument.
 */
import { definePlugin } from "@gitmaint/core";
import { reaperOptionsSchema } from "./options.js";
import { Reaper } from "./reaper.js";

export { reaperOptionsSchema, defaultReaperOptions, type ReaperOptions } from "./options.js";
export type { PassResult, Deleted, Kept, Problem } from "./pass.js";

export default definePlugin({
  name: "tmp-pack-reaper",
  apiVersion: 1,
  description: "Reclaims leaked tmp_pack_*/tmp_obj_* files, quarantine dirs and stale locks once proven dead",
  options: reaperOptionsSchema,
  setup(ctx) {
    return new Reaper(ctx).start();
  },
});
