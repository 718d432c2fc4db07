/** `gitmaint snapshot`: output, --json, exit 1 with one line on failure/timeout, exit 2 on bad arguments. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotCommand } from "../../packages/tui/src/commands/snapshot.js";
import { cleanupAll, git, tempDir } from "../helpers/fixtures.js";
import { independentTree, isolateGitEnv, makeWorkTree } from "../helpers/snapshot.js";

beforeAll(() => isolateGitEnv());
afterAll(() => cleanupAll());

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await snapshotCommand(argv, { stdout, stderr });
  return { code, out, err };
}

describe("gitmaint snapshot", () => {
  it("prints the tree, or JSON with --json", async () => {
    const workTree = makeWorkTree(20);
    const gitDir = join(tempDir("side-"), "s.git");
    const plain = await run(["--git-dir", gitDir, "--work-tree", workTree]);
    expect(plain).toEqual({ code: 0, out: `${independentTree(workTree)}\n`, err: "" });
    const json = await run(["--git-dir", gitDir, "--work-tree", workTree, "--timeout", "1m", "--json"]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ tree: independentTree(workTree), fresh: true });
  });

  it("exits 1 with one line when the snapshot fails or times out", async () => {
    const workTree = makeWorkTree(5);
    mkdirSync(join(workTree, "nested"));
    git(join(workTree, "nested"), ["init", "-q"]);
    const failed = await run(["--git-dir", join(tempDir("side-"), "s.git"), "--work-tree", workTree]);
    expect(failed.code).toBe(1);
    expect(failed.out).toBe("");
    expect(failed.err.trim().split("\n")).toHaveLength(1);
    expect(failed.err).toMatch(/^gitmaint snapshot: .*failed/);

    const big = makeWorkTree(5_000);
    const timedOut = await run(["--git-dir", join(tempDir("side-"), "s.git"), "--work-tree", big, "--timeout", "50ms"]);
    expect(timedOut.code).toBe(1);
    expect(timedOut.err.trim().split("\n")).toHaveLength(1);
    expect(timedOut.err).toMatch(/timed out/);
  });

  it("exits 2 with one line on bad arguments; --help exits 0", async () => {
    const workTree = makeWorkTree(1);
    const cases = [
      [],
      ["--work-tree", workTree],
      ["--git-dir", "/tmp/x.git"],
      ["--git-dir", "/tmp/x.git", "--work-tree", join(workTree, "nope")],
      ["--git-dir", "/tmp/x.git", "--work-tree", workTree, "--timeout", "soon"],
      ["--git-dir", "/tmp/x.git", "--work-tree", workTree, "--bogus"],
      ["--git-dir", "/tmp/x.git", "--work-tree", workTree, "extra"],
    ];
    for (const argv of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err.trim().split("\n"), argv.join(" ")).toHaveLength(1);
    }
    const bad = await run(["--git-dir", "/tmp/x.git", "--work-tree", workTree, "--timeout", "soon"]);
    expect(bad.err).toContain("soon");
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: gitmaint snapshot/);
  });
});
