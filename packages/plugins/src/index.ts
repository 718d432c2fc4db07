export { default as tmpPackReaper } from "./tmp-pack-reaper/index.js";
export { builtinPlugins } from "./builtins.js";
export { default as cruftWriter } from "./cruft-writer/index.js";
export { default as snapshotThrottle } from "./snapshot-throttle/index.js";
export { createSnapshotter, SNAPSHOT_DEFAULTS, SnapshotError } from "./snapshot-throttle/index.js";
export type { GuardPass } from "./snapshot-throttle/index.js";
export type {
  GuardOptions,
  RestoreResult,
  SnapshotChange,
  SnapshotRef,
  Snapshotter,
  SnapshotterOptions,
  SnapshotterStats,
  TrackResult,
} from "./snapshot-throttle/index.js";
export { default as aggregateDuringRepack } from "./aggregate-during-repack/index.js";
export { default as mirrorSnapshot, restoreArchive, takeSnapshot, ArchiveError, type RestoreResult as ArchiveRestoreResult, type SnapshotResult as ArchiveResult } from "./mirror-snapshot/index.js";
