/**
 * `gitmaint archive` as a user runs it (the real binary): --json output, restore, one-line errors
 * with exit 2 on bad arguments and exit 1 on a corrupt archive, and kill -9 mid-archive: nothing
 * at `<out>`, and the next run removes the dead run's `<out>.tmp-<pid>` and journals it.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, expectOneLineError, runCli, startCli } from "../helpers/cli.js";
import { cleanupAll, git, makeRepo, tempDir, waitFor } from "../helpers/fixtures.js";
import { checkRepo, stagingLeftovers } from "../helpers/mirror.js";

afterEach(cleanupAll);

function mirror(): string {
  const work = makeRepo({ commits: 4 });
  const path = join(tempDir("mirror-"), "m.git");
  git(work, ["clone", "-q", "--mirror", work, path]);
  return path;
}

describe("gitmaint archive", () => {
  it("archives with --json, the sidecar matches, and --restore gives back a verified repository", () => {
    const source = mirror();
    const out = join(tempDir("out-"), "m.tar");
    const env = cliEnv();
    const r = runCli(["archive", "--repo", source, "--out", out, "--json"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(data).toMatchObject({ archive: out, verified: true, refs: 1 });
    expect(typeof data.bytes).toBe("number");
    expect(typeof data.objects).toBe("number");
    const sha = createHash("sha256").update(readFileSync(out)).digest("hex");
    expect(data.sha256).toBe(sha);
    expect(readFileSync(`${out}.sha256`, "utf8")).toBe(`${sha}  m.tar\n`);

    const to = join(tempDir("restore-"), "r.git");
    const restored = runCli(["archive", "--restore", out, "--to", to, "--json"], { env });
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ restored: to, verified: true, refs: 1, sha256: sha });
    expect(checkRepo(to).problems).toEqual([]);
    expect(git(to, ["rev-parse", "main"])).toBe(git(source, ["rev-parse", "main"]));
    // The mirror's config came along (a restored mirror can fetch again).
    expect(git(to, ["config", "remote.origin.mirror"])).toBe("true");

    truncateSync(out, 4096);
    const bad = runCli(["archive", "--restore", out, "--to", join(tempDir("restore-"), "x.git")], { env });
    expect(bad.code).toBe(1);
    expect(expectOneLineError(bad)).toMatch(/does not match its checksum/);
  });

  it("bad arguments: one line, exit 2; --help exits 0", () => {
    const source = mirror();
    const cases: Array<[string[], RegExp]> = [
      [["archive", "--repo", source], /--out FILE is required/],
      [["archive", "--repo", source, "--out", "/nonexistent/dir/a.tar"], /no such directory/],
      [["archive", "--repo", source, "--out", tempDir("d-")], /is a directory/],
      [["archive", "--restore", "/nonexistent.tar"], /--restore needs --to DIR/],
      [["archive", "--restore", "/nonexistent.tar", "--to", join(tempDir("t-"), "x")], /no such file/],
      [["archive", "--repo", source, "--out", join(tempDir("o-"), "a.tar"), "--bogus"], /unknown option/i],
      [["archive", "--repo", source, "--out", join(tempDir("o-"), "a.tar"), "--wait", "soon"], /invalid --wait/],
    ];
    for (const [args, why] of cases) {
      const r = runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(expectOneLineError(r)).toMatch(why);
    }
    const help = runCli(["archive", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: gitmaint archive/);
    expect(runCli(["--help"]).stdout).toMatch(/archive +consistent, verified archive/);
  });

  it("kill -9 mid-archive leaves nothing at <out>; the next run removes the dead run's staging and journals it", async () => {
    const source = mirror();
    const outDir = tempDir("out-");
    const out = join(outDir, "m.tar");
    const env = cliEnv();
    const config = join(tempDir("cfg-"), "gitmaint.config.json");
    writeFileSync(config, JSON.stringify({ plugins: { "mirror-snapshot": { testHooks: { pauseAfterStageMs: 60_000 } } } }));
    const run = startCli(["archive", "--repo", source, "--out", out, "--config", config], { env });
    const pid = run.child.pid!;
    const staging = `${out}.tmp-${pid}`;
    await waitFor(() => existsSync(join(staging, "repo.git", "packed-refs")) && existsSync(join(staging, "repo.git", "objects", "pack")), {
      timeoutMs: 30_000,
      what: "the archive to be staged",
    });
    run.child.kill("SIGKILL");
    await run.exited;
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.sha256`)).toBe(false);
    expect(stagingLeftovers(out)).toEqual([staging]);

    const next = runCli(["archive", "--repo", source, "--out", out, "--json"], { env });
    expect(next.code).toBe(0);
    expect(stagingLeftovers(out)).toEqual([]);
    expect(existsSync(out)).toBe(true);
    // The removal is in the journal of the source repository.
    const journal = runJournal(env.GITMAINT_STATE_DIR!);
    expect(journal.some((e) => e.op === "delete" && e.details?.path === staging && /dead/.test(e.reason))).toBe(true);
  });
});

/** Every journal line under a state dir (`<state>/journal/*.jsonl`). */
function runJournal(stateDir: string): Array<{ op: string; reason: string; details?: Record<string, unknown> }> {
  const dir = join(stateDir, "journal");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".jsonl"))
    .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n").filter(Boolean))
    .map((l) => JSON.parse(l) as { op: string; reason: string; details?: Record<string, unknown> });
}
