// Bad input: exit 2 with one line naming the path, file or key; no stack trace; nothing written.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliEnv, expectOneLineError, runCli } from "../helpers/cli.js";
import { cleanupAll, makeRepo, tempDir } from "../helpers/fixtures.js";

afterAll(cleanupAll);

describe("gitmaint bad input", () => {
  const repo = makeRepo();

  it.each([
    ["a missing path", () => join(tempDir(), "nope"), /not a git repository: .*nope \(no such file or directory\)/],
    ["a directory that is not a repository", () => tempDir("plain-"), /not a git repository: \/.*plain-/],
    ["a file", () => {
      const f = join(tempDir(), "file.txt");
      writeFileSync(f, "x");
      return f;
    }, /not a git repository: .*file.txt \(not a directory\)/],
  ])("--repo on %s", (_what, path, message) => {
    const r = runCli(["status", "--repo", path()]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(message);
  });

  it("unknown command and unknown option", () => {
    const a = runCli(["stauts"]);
    expect(a.code).toBe(2);
    expect(expectOneLineError(a)).toMatch(/unknown command "stauts" \(did you mean "status"\?\)/);
    const b = runCli(["status", "--bogus", "--repo", repo]);
    expect(b.code).toBe(2);
    expect(expectOneLineError(b)).toMatch(/status: unknown option '--bogus'/);
    const c = runCli(["reap", "--repo", repo, "--min-age", "soon"]);
    expect(c.code).toBe(2);
    expect(expectOneLineError(c)).toMatch(/invalid --min-age "soon"/);
  });

  function withConfig(name: string, content: string) {
    const dir = tempDir("cfg-");
    writeFileSync(join(dir, name), content);
    return { dir, file: join(dir, name) };
  }

  it("bad YAML names the file", () => {
    const { dir, file } = withConfig(".gitmaintrc.yaml", "repos: [unclosed\nplugins: {\n");
    const stateDir = tempDir("state-");
    const r = runCli(["status", "--repo", repo], { cwd: dir, env: cliEnv({ GITMAINT_STATE_DIR: stateDir }) });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain(`${file}: cannot parse config`);
    expect(readdirSync(stateDir)).toEqual([]);
  });

  it("bad JSON via --config names the file", () => {
    const { file } = withConfig("g.json", "{ repos: ");
    const r = runCli(["status", "--repo", repo, "--config", file]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain(`${file}: cannot parse config`);
  });

  it("a missing --config file", () => {
    const r = runCli(["status", "--config", "/nonexistent/gitmaint.json"]);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain("/nonexistent/gitmaint.json: config file not found");
  });

  it("unknown top-level key with did-you-mean", () => {
    const { dir, file } = withConfig("gitmaint.config.json", JSON.stringify({ repo: ["."] }));
    const r = runCli(["status", "--repo", repo], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toBe(`gitmaint: ${file}: unknown key "repo" (did you mean "repos"?)`);
  });

  it("unknown plugin name and unknown plugin option key", () => {
    const a = withConfig("gitmaint.config.json", JSON.stringify({ plugins: { "tmp-pack-reapr": {} } }));
    const r = runCli(["status", "--repo", repo], { cwd: a.dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toBe(`gitmaint: ${a.file}: unknown plugin "plugins.tmp-pack-reapr" (did you mean "plugins.tmp-pack-reaper"?)`);
    const b = withConfig("gitmaint.config.json", JSON.stringify({ plugins: { "tmp-pack-reaper": { bogusKey: 1 } } }));
    const r2 = runCli(["status", "--repo", repo], { cwd: b.dir });
    expect(r2.code).toBe(2);
    expect(expectOneLineError(r2)).toMatch(new RegExp(`plugin tmp-pack-reaper: ${b.file}: unknown key "plugins.tmp-pack-reaper.bogusKey"`));
  });

  it("wrong type names the key", () => {
    const { dir, file } = withConfig(".gitmaintrc.json", JSON.stringify({ repos: "not-a-list" }));
    const r = runCli(["status", "--repo", repo], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(new RegExp(`${file}: invalid value at "repos": `));
    const d2 = tempDir("cfg-");
    mkdirSync(join(d2, "sub"));
    writeFileSync(join(d2, "package.json"), JSON.stringify({ name: "x", gitmaint: { daemon: { maxFailures: "five" } } }));
    const r2 = runCli(["status", "--repo", repo], { cwd: join(d2, "sub") });
    expect(r2.code).toBe(2);
    expect(expectOneLineError(r2)).toMatch(/package.json: invalid value at "daemon.maxFailures"/);
  });

  it("--help and --version", () => {
    const h = runCli(["--help"]);
    expect(h.code).toBe(0);
    for (const cmd of ["run", "tui", "status", "reap", "repack", "snapshot", "plugins"]) expect(h.stdout).toContain(`  ${cmd}`);
    expect(runCli(["reap", "--help"]).stdout).toContain("--dry-run");
    expect(runCli(["--version"]).stdout).toMatch(/^gitmaint \d+\.\d+\.\d+\n$/);
  });
});
