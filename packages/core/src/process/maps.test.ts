import { describe, expect, it } from "vitest";
import { parseMaps, readMappedFiles } from "./maps.js";

describe("parseMaps", () => {
  it("groups mappings by inode and marks deleted files", () => {
    const maps = [
      "7fc3d58ef000-7fc3d58f0000 r--p 00000000 fe:00 2458644                    /r/.git/objects/pack/pack-a.pack (deleted)",
      "7fc3d58f0000-7fc3d58f2000 r--p 00001000 fe:00 2458644                    /r/.git/objects/pack/pack-a.pack (deleted)",
      "7fc3d58f2000-7fc3d58f3000 r--p 00000000 fe:00 2457637                    /r/with space/x.idx",
      "7ffd1000-7ffd2000 rw-p 00000000 00:00 0                          [stack]",
      "55d0-55d1 rw-p 00000000 00:00 0 ",
    ].join("\n");
    expect(parseMaps(maps)).toEqual([
      { path: "/r/.git/objects/pack/pack-a.pack", deleted: true, range: "7fc3d58ef000-7fc3d58f0000", mappedBytes: 0x3000, inode: "2458644" },
      { path: "/r/with space/x.idx", deleted: false, range: "7fc3d58f2000-7fc3d58f3000", mappedBytes: 0x1000, inode: "2457637" },
    ]);
  });

  it("reads this process's own mappings", () => {
    const mine = readMappedFiles("/proc", process.pid);
    expect(mine?.some((m) => m.path === process.execPath || m.path.includes("node"))).toBe(true);
    expect(readMappedFiles("/proc", 2 ** 30)).toBeUndefined();
  });
});
