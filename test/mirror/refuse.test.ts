/**
 * Invariant 5, the refusing side: a staged copy that fails verification is never published, a
 * source with a broken ref or no refs is refused, a busy repository is skipped, and a damaged
 * archive (truncated, or packed-refs altered inside it even with a matching checksum) is refused
 * on restore with nothing written at the target.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, git, makeRepo, tempDir } from "../helpers/fixtures.js";
import { checkRepo, stagingLeftovers, startArchiver, stopArchivers } from "../helpers/mirror.js";

afterEach(async () => {
  await stopArchivers();
  await cleanupAll();
});

function packedRepo(): string {
  const path = makeRepo({ bare: true, commits: 5 });
  git(path, ["branch", "side", "main~2"]);
  git(path, ["repack", "-a", "-d", "-q"]);
  git(path, ["pack-refs", "--all"]);
  return path;
}

/** Rewrites `archive` with `edit` applied to its extracted tree, and writes a matching sidecar. */
function tamper(archive: string, edit: (root: string) => void): void {
  const root = tempDir("tamper-");
  execFileSync("tar", ["-xf", archive, "-C", root]);
  edit(root);
  execFileSync("tar", ["-cf", archive, "-C", root, "gitmaint-snapshot.json", "repo.git"]);
  const sha = createHash("sha256").update(readFileSync(archive)).digest("hex");
  writeFileSync(`${archive}.sha256`, `${sha}  ${archive.split("/").pop()}\n`);
}

describe("mirror-snapshot refuses", () => {
  it("a staged copy that fails verification (a pack deleted from it) is never published; the staging is removed and journalled", async () => {
    const rig = await startArchiver(packedRepo(), { testHooks: { deleteStagedPack: true }, attempts: 2 });
    const out = join(tempDir("out-"), "a.tar");
    await expect(rig.archive(out)).rejects.toThrow(/verification failed/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.sha256`)).toBe(false);
    expect(stagingLeftovers(out)).toEqual([]);
    const journal = await rig.journal();
    expect(journal.some((e) => e.op === "snapshot" && e.details?.published === false && /verification failed/.test(e.reason))).toBe(true);
    expect(journal.some((e) => e.op === "delete" && String(e.details?.path).startsWith(`${out}.tmp-`))).toBe(true);
  });

  it("a source ref pointing to a missing object: refused, nothing published", async () => {
    const source = packedRepo();
    writeFileSync(join(source, "refs", "heads", "broken"), `${"ab".repeat(20)}\n`);
    const rig = await startArchiver(source);
    const out = join(tempDir("out-"), "a.tar");
    await expect(rig.archive(out)).rejects.toThrow(/broken ref/);
    expect(existsSync(out)).toBe(false);
    expect(stagingLeftovers(out)).toEqual([]);
  });

  it("an empty repository is refused unless allowEmpty; the empty archive then restores", async () => {
    const source = tempDir("empty-");
    git(source, ["init", "-q", "--bare"]);
    const rig = await startArchiver(source);
    const out = join(tempDir("out-"), "e.tar");
    await expect(rig.archive(out)).rejects.toThrow(/no refs/);
    expect(existsSync(out)).toBe(false);
    const result = await rig.archive(out, { allowEmpty: true });
    expect(result).toMatchObject({ refs: 0, verified: true });
    const to = join(tempDir("restore-"), "r.git");
    expect((await rig.restore(out, to)).refs).toBe(0);
    expect(git(to, ["rev-parse", "--is-bare-repository"])).toBe("true");
  });

  it("a busy repository is skipped with a clear message, and archived once the lock frees within waitMs", async () => {
    const rig = await startArchiver(packedRepo());
    const out = join(tempDir("out-"), "a.tar");
    const held = await rig.engine.locks.acquire(rig.repo, "fetch", { owner: "a test fetch" });
    await expect(rig.archive(out)).rejects.toThrow(/skipped: .* is busy .*fetch/);
    expect(existsSync(out)).toBe(false);
    setTimeout(() => void held.release(), 300);
    const result = await rig.archive(out, { waitMs: 10_000 });
    expect(result.verified).toBe(true);
    expect(existsSync(out)).toBe(true);
  });

  it("a truncated archive is refused on restore and nothing is written at the target", async () => {
    const rig = await startArchiver(packedRepo());
    const out = join(tempDir("out-"), "a.tar");
    await rig.archive(out);
    truncateSync(out, Math.floor(statSync(out).size / 2));
    const to = join(tempDir("restore-"), "r.git");
    await expect(rig.restore(out, to)).rejects.toThrow(/does not match its checksum/);
    expect(existsSync(to)).toBe(false);
    expect(stagingLeftovers(to)).toEqual([]);
  });

  it("an archive with a symlink member (checksum recomputed) is refused before extraction", async () => {
    const rig = await startArchiver(packedRepo());
    const out = join(tempDir("out-"), "a.tar");
    await rig.archive(out);
    const outside = tempDir("outside-");
    tamper(out, (root) => symlinkSync(outside, join(root, "repo.git", "escape")));
    const to = join(tempDir("restore-"), "r.git");
    await expect(rig.restore(out, to)).rejects.toThrow(/member is not a regular file or directory/);
    expect(existsSync(to)).toBe(false);
    expect(stagingLeftovers(to)).toEqual([]);
  });

  it("packed-refs altered inside the archive (checksum recomputed) is refused by the verification", async () => {
    const source = packedRepo();
    const rig = await startArchiver(source);
    const dir = tempDir("out-");
    const other = git(source, ["rev-parse", "main~1"]);
    const cases: Array<[string, (text: string) => string, RegExp]> = [
      // A ref moved to another existing commit: every ref still resolves; only the manifest catches it.
      ["moved", (t) => t.replace(/^[0-9a-f]{40} refs\/heads\/side$/m, `${other} refs/heads/side`), /refs differ from the manifest/],
      // A ref to an object that does not exist.
      ["missing", (t) => t.replace(/^[0-9a-f]{40} refs\/heads\/side$/m, `${"cd".repeat(20)} refs/heads/side`), /verification failed/],
      // Garbage: a truncated last line.
      ["truncated", (t) => t.slice(0, t.length - 12), /verification failed/],
    ];
    for (const [name, edit, why] of cases) {
      const out = join(dir, `${name}.tar`);
      await rig.archive(out);
      tamper(out, (root) => {
        const file = join(root, "repo.git", "packed-refs");
        writeFileSync(file, edit(readFileSync(file, "utf8")));
      });
      const to = join(tempDir("restore-"), "r.git");
      await expect(rig.restore(out, to), name).rejects.toThrow(why);
      expect(existsSync(to), name).toBe(false);
      expect(stagingLeftovers(to), name).toEqual([]);
    }
    // The untouched archive restores into an existing empty directory.
    const good = join(dir, "good.tar");
    await rig.archive(good);
    const to = join(tempDir("restore-"), "empty-target");
    mkdirSync(to);
    await rig.restore(good, to);
    expect(checkRepo(to).problems).toEqual([]);
    expect(git(to, ["rev-parse", "refs/heads/side"])).toBe(git(source, ["rev-parse", "refs/heads/side"]));
  });
});
