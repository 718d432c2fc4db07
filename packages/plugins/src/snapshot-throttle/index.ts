/**
 * snapshot-throttle: a safe snapshot library for tools that keep an undo history of a work tree
 * in a side git dir (`createSnapshotter`), and the guard plugin that stops runaway snapshot git
 * processes of tools that do not use it. See README.md for the options and the safety argument.
 */
import { definePlugin } from "@gitmaint/core";
import { Guard } from "./guard/guard.js";
import { guardOptionsSchema } from "./guard/options.js";

export { createSnapshotter, SNAPSHOT_DEFAULTS } from "./snapshotter.js";
export { SnapshotError } from "./types.js";
export type * from "./types.js";
export { guardOptionsSchema, DEFAULT_ROOT, type GuardOptions } from "./guard/options.js";
export type { GuardPass } from "./guard/guard.js";

export default definePlugin({
  name: "snapshot-throttle",
  apiVersion: 1,
  description: "Stops runaway git processes of snapshotting tools on their side git dirs, has them reaped, alerts on fast growth",
  options: guardOptionsSchema,
  setup(ctx) {
    return new Guard(ctx).start();
  },
});
