/**
 * Network filesystem detection. On NFS/SMB/CIFS/FUSE, processes on other hosts may be writing
 * the repository and are invisible to /proc, so the reaper falls back to an age-only rule.
 */
import { statfs } from "node:fs/promises";

/** statfs f_type magic numbers (linux/magic.h) of filesystems where writers may be remote. */
export const NETWORK_FS_MAGIC: ReadonlyMap<number, string> = new Map([
  [0x6969, "nfs"],
  [0xff534d42, "cifs"],
  [0x517b, "smb"],
  [0xfe534d42, "smb2"],
  [0x65735546, "fuse"],
  [0x00c36400, "ceph"],
  [0x5346414f, "afs"],
]);

/** The network filesystem name for a statfs type, or undefined for a local one. */
export function networkFsName(type: number): string | undefined {
  return NETWORK_FS_MAGIC.get(type >>> 0);
}

/**
 * The network filesystem `path` lives on, or undefined when it is local. A statfs failure counts
 * as local only when statfs is unavailable; any other error is reported as "unknown filesystem"
 * so the caller stays on the cautious, age-only side.
 */
export async function detectNetworkFs(path: string): Promise<string | undefined> {
  try {
    const s = await statfs(path);
    return networkFsName(Number(s.type));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOSYS" || code === "ERR_FEATURE_UNAVAILABLE_ON_PLATFORM") return undefined;
    return "unknown filesystem";
  }
}
