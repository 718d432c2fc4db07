import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseRefList } from "./capture.js";
import { packedRefsText } from "./stage.js";
import { tarHeader, writeTar } from "./tar-writer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("tar writer", () => {
  it("writes a tar GNU tar extracts byte for byte (long names via the ustar prefix), and hashes what it wrote", async () => {
    const root = mkdtempSync(join(tmpdir(), "tarw-"));
    dirs.push(root);
    const src = join(root, "src");
    const deep = join(src, "objects", "pack");
    mkdirSync(deep, { recursive: true });
    mkdirSync(join(src, "refs", "heads"), { recursive: true });
    const long = `pack-${"a".repeat(64)}.pack`;
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    writeFileSync(join(deep, long), big);
    writeFileSync(join(src, "HEAD"), "ref: refs/heads/main\n");
    const out = join(root, "a.tar");
    const fh = await open(out, "w");
    const result = await writeTar(fh, { dir: src, prefix: "repo.git", extra: { "m.json": Buffer.from("{}\n") } });
    await fh.close();
    const bytes = readFileSync(out);
    expect(result.bytes).toBe(bytes.length);
    expect(result.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const dest = join(root, "x");
    mkdirSync(dest);
    execFileSync("tar", ["-xf", out, "-C", dest]);
    expect(readFileSync(join(dest, "repo.git", "objects", "pack", long)).equals(big)).toBe(true);
    expect(readFileSync(join(dest, "m.json"), "utf8")).toBe("{}\n");
    expect(execFileSync("tar", ["-tf", out], { encoding: "utf8" })).toMatch(/repo\.git\/refs\/heads\//);
  });

  it("encodes sizes past 8 GiB in base-256 and checksums the header", () => {
    const h = tarHeader("x", "file", 0o644, 9 * 1024 ** 3, 0);
    expect(h[124]).toBe(0x80);
    expect(Number(h.readBigUInt64BE(128))).toBe(9 * 1024 ** 3);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    expect(parseInt(h.subarray(148, 154).toString("ascii"), 8)).toBe(sum);
  });
});

describe("ref lists", () => {
  const oid = "1".repeat(40);
  it("parses for-each-ref output sorted, keeps symrefs, writes packed-refs without them", () => {
    const refs = parseRefList(`${oid} refs/tags/v1 \n${oid} refs/heads/a \n${oid} refs/remotes/o/HEAD refs/remotes/o/main\n`, "", "r");
    expect(refs.map((r) => r.name)).toEqual(["refs/heads/a", "refs/remotes/o/HEAD", "refs/tags/v1"]);
    expect(refs[1]!.symref).toBe("refs/remotes/o/main");
    expect(packedRefsText(refs)).toBe(`${oid} refs/heads/a\n${oid} refs/tags/v1\n`);
  });
  it("refuses broken refs and unparsable lines", () => {
    expect(() => parseRefList("", "warning: ignoring broken ref refs/heads/x\n", "r")).toThrow(/broken refs/);
    expect(() => parseRefList("zz refs/heads/a \n", "", "r")).toThrow(/unparsable/);
  });
});
