/**
 * Git's temporary files and locks: classification by name (`classifyTmpPath`), the scanner
 * (`scanTemporaries`) and a one-line description of every kind (`TMP_KIND_INFO`).
 */
import type { TmpKind } from "./tmpfiles-types.js";

export {
  classifyTmpPath,
  formatGitmaintKeep,
  parseGcPid,
  parseKeepContent,
  stagingPid,
  type KeepOwner,
  type TmpFacts,
} from "./tmp-classify.js";
export { scanTemporaries, type ScanOptions, type ScanPlace } from "./tmp-scan.js";

/** One line per kind, for docs, `gitmaint status` and the TUI. */
export const TMP_KIND_INFO: Readonly<Record<TmpKind, string>> = {
  "tmp-pack": "pack being written (objects/pack/tmp_pack_*, tmp_idx_*, tmp_rev_*, tmp_mtimes_*, tmp_bitmap_*)",
  "tmp-obj": "loose object being written (objects/??/tmp_obj_*)",
  "tmp-other":
    "other git temporary file under objects/ (info/commit-graphs/tmp_graph_*, info/packs_*, bitmap-ref-tips_*, tmp_*)",
  quarantine: "push/bulk-checkin quarantine directory (objects/tmp_objdir-*, objects/incoming-*)",
  "repack-staging": "repack's output before its final rename (objects/pack/.tmp-<pid>-pack-*)",
  "packed-refs-new": "packed-refs being rewritten (packed-refs.new)",
  lock: "git lock file (config, HEAD, index, shallow, commit-graph chain, multi-pack-index, maintenance)",
  "ref-lock": "reference lock (refs/**/*.lock, packed-refs.lock)",
  "gc-pid": "git gc's pid file (gc.pid: <pid> <host>)",
  "transfer-keep": "pack kept while a push/fetch is in flight (.keep: receive-pack|fetch-pack <pid> on <host>)",
  "gitmaint-keep": "pack kept while gitmaint's aggregator writes it (.keep: gitmaint-aggregate pid=<pid> start=<ticks>)",
  "orphan-idx": "pack index without its pack (pack-<hash>.idx, no .pack)",
};
