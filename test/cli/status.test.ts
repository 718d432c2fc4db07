// `gitmaint status --json` against a real repository with packs, loose objects, a leaked tmp file,
// and a running external git process.
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { cleanupAll, git, makeRepo, spawnTracked, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";

afterAll(cleanupAll);

describe("gitmaint status", () => {
  it("--json reports packs, loose objects, tmp files and bytes, locks and git processes", async () => {
    const repo = makeRepo({ commits: 3 });
    git(repo, ["repack", "-d", "-q"]);
    git(repo, ["commit", "-q", "--allow-empty", "-m", "more"]);
    git(repo, ["repack", "-d", "-q"]);
    writeLooseBlobs(repo, 600);
    const leaked = join(repo, ".git/objects/pack/tmp_pack_leaked1");
    writeFileSync(leaked, Buffer.alloc(12345, 1));
    writeFileSync(join(repo, ".git/index.lock"), "");
    const external = spawnTracked("git", ["cat-file", "--batch"], { cwd: repo });
    await waitFor(() => external.pid !== undefined);

    const r = runCli(["status", "--json", "--repo", repo]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown> & {
      gitProcesses: Array<{ pid: number; role: string }>;
      locks: unknown[];
      tmp: Array<{ path: string; kind: string; bytes: number }>;
    };
    for (const key of ["repo", "packs", "looseObjects", "tmpFiles", "tmpBytes", "gitProcesses", "cruftPacks", "locks"]) expect(s).toHaveProperty(key);
    expect(s.repo).toBe(join(repo, ".git"));
    expect(s.packs).toBe(Number(/^packs: (\d+)$/m.exec(git(repo, ["count-objects", "-v"]))![1]));
    expect(s.packs).toBe(2);
    // sampled estimate like git gc --auto: 600 loose objects land ~2.3 per fan-out dir
    expect(s.looseObjects).toBeGreaterThanOrEqual(0);
    expect(s.looseObjects).toBeLessThan(600 * 4);
    expect(s.tmp).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "objects/pack/tmp_pack_leaked1", kind: "tmp-pack", bytes: statSync(leaked).size }),
        expect.objectContaining({ path: "index.lock", kind: "lock" }),
      ]),
    );
    expect(s.tmpFiles).toBe(2);
    expect(s.tmpBytes).toBe(12345);
    expect(s.gitProcesses.map((p) => p.pid)).toContain(external.pid);
  });

  it("human output names the repository and the kept tmp file with its reason", () => {
    const repo = makeRepo();
    writeFileSync(join(repo, ".git/objects/pack/tmp_pack_fresh"), "x");
    const r = runCli(["status", "--repo", repo]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tmp files\s+1 \(1 B\)/);
    expect(r.stdout).toMatch(/objects\/pack\/tmp_pack_fresh\s+tmp-pack/);
    expect(r.stdout).toMatch(/kept: .*younger than/);
  });
});
