export { default as tmpPackReaper } from "./tmp-pack-reaper/index.js";
export { builtinPlugins } from "./builtins.js";
export { default as cruftWriter } from "./cruft-writer/index.js";
export { createSnapshotter, SNAPSHOT_DEFAULTS } from "./snapshot-throttle/snapshotter.js";
export { SnapshotError } from "./snapshot-throttle/types.js";
export type {
  RestoreResult,
  SnapshotChange,
  SnapshotRef,
  Snapshotter,
  SnapshotterOptions,
  SnapshotterStats,
  TrackResult,
} from "./snapshot-throttle/types.js";
