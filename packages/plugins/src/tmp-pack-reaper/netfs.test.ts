import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { detectNetworkFs, networkFsName } from "./netfs.js";

describe("network filesystem detection", () => {
  it("names the network filesystem magics and nothing else", () => {
    expect(networkFsName(0x6969)).toBe("nfs");
    expect(networkFsName(0xff534d42)).toBe("cifs");
    expect(networkFsName(0xff534d42 | 0)).toBe("cifs"); // a signed read of the same magic
    expect(networkFsName(0x517b)).toBe("smb");
    expect(networkFsName(0xfe534d42)).toBe("smb2");
    expect(networkFsName(0x65735546)).toBe("fuse");
    expect(networkFsName(0xef53)).toBeUndefined(); // ext4
    expect(networkFsName(0x01021994)).toBeUndefined(); // tmpfs
  });
  it("a local directory is local; a missing one is unknown (cautious)", async () => {
    expect(await detectNetworkFs(tmpdir())).toBeUndefined();
    expect(await detectNetworkFs("/nonexistent/gitmaint/x")).toBe("unknown filesystem");
  });
});
