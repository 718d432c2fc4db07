// `gitmaint run`: the daemon prints bus events, shuts down cleanly on SIGTERM/SIGINT (killing our
// git children and removing what they left), `--once` exit codes, and third-party plugins loaded
// by package name and by path.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cliEnv, runCli, startCli } from "../helpers/cli.js";
import { cleanupAll, git, gitEnv, makeRepo, tempDir, waitFor } from "../helpers/fixtures.js";

afterEach(cleanupAll);

const fixtures = fileURLToPath(new URL("../fixtures/plugins/", import.meta.url));
const example = fileURLToPath(new URL("../../examples/gitmaint-plugin-example", import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\S+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8").replace(/\(.*\)/, "x"));
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A project dir with the example plugin installed under node_modules, as `npm i` would. */
function projectWithExample(config: unknown): string {
  const dir = tempDir("project-");
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(example, join(dir, "node_modules", "gitmaint-plugin-example"));
  writeFileSync(join(dir, "gitmaint.config.json"), JSON.stringify(config));
  return dir;
}

describe("gitmaint run", () => {
  it("--json prints pack events from a real repack and exits 0 on SIGTERM with no children left", async () => {
    const repo = makeRepo({ commits: 3 });
    const d = startCli(["run", "--json", "--repo", repo]);
    await waitFor(() => d.stdout().includes('"type":"repo.stats"'), { timeoutMs: 20_000, what: "initial repo.stats" });
    git(repo, ["repack", "-a", "-d", "-q"]);
    const hash = readdirSync(join(repo, ".git/objects/pack")).find((f) => f.endsWith(".idx"))!.slice(5, -4);
    await waitFor(() => d.stdout().includes(`"type":"pack.added"`) && d.stdout().includes(hash), { what: "pack.added" });
    const events = d.stdout().trim().split("\n").map((l) => JSON.parse(l) as { type: string; at: number });
    expect(events.every((e) => typeof e.type === "string" && typeof e.at === "number")).toBe(true);
    const pid = d.child.pid!;
    d.child.kill("SIGTERM");
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(childrenOf(pid)).toEqual([]);
  });

  it("SIGINT during a live git child: kills it, removes its tmp_pack, journals the deletion", async () => {
    const repo = makeRepo({ commits: 20, filesPerCommit: 20 });
    const packFile = join(tempDir("pack-"), "all.pack");
    writeFileSync(packFile, execFileSync("git", ["pack-objects", "--stdout", "--all", "-q"], { cwd: repo, env: gitEnv() }));
    const project = tempDir("project-");
    writeFileSync(
      join(project, "gitmaint.config.json"),
      JSON.stringify({ repos: [repo], extraPlugins: [[join(fixtures, "leaky-child.mjs"), { packFile }]] }),
    );
    const env = cliEnv();
    const d = startCli(["run"], { cwd: project, env });
    const packDir = join(repo, ".git/objects/pack");
    await waitFor(() => d.stdout().includes("fed") && readdirSync(packDir).some((f) => f.startsWith("tmp_pack_")), {
      timeoutMs: 20_000,
      what: "index-pack writing a tmp_pack",
    });
    const tmp = readdirSync(packDir).find((f) => f.startsWith("tmp_pack_"))!;
    const gitPid = Number(/index-pack (\d+) fed/.exec(d.stdout())![1]);
    expect(alive(gitPid)).toBe(true);
    d.child.kill("SIGINT");
    expect((await d.exited).code).toBe(0);
    expect(alive(gitPid)).toBe(false);
    expect(existsSync(join(packDir, tmp))).toBe(false);
    const journalDir = join(env.GITMAINT_STATE_DIR!, "journal");
    const lines = readdirSync(journalDir).flatMap((f) => readFileSync(join(journalDir, f), "utf8").trim().split("\n"));
    const entries = lines.map((l) => JSON.parse(l) as { op: string; path?: string; reason: string });
    expect(entries.some((e) => e.op === "delete" && e.path === `objects/pack/${tmp}`)).toBe(true);
  });

  it("SIGTERM while the engine is still starting: a clean shutdown (exit 0, our git child killed), not a default exit", async () => {
    const repo = makeRepo();
    const project = tempDir("project-");
    const marker = join(project, "child.pid");
    writeFileSync(join(project, "gitmaint.config.json"), JSON.stringify({ repos: [repo], extraPlugins: [[join(fixtures, "slow-setup.mjs"), { marker }]] }));
    const d = startCli(["run"], { cwd: project });
    const gitPid = await waitFor(() => (existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0), { timeoutMs: 20_000, what: "setup to start" });
    expect(alive(gitPid)).toBe(true);
    d.child.kill("SIGTERM");
    expect(await d.exited).toEqual({ code: 0, signal: null });
    expect(d.stdout()).toContain("SIGTERM: shutting down");
    expect(d.stdout()).not.toContain("watching");
    expect(alive(gitPid)).toBe(false);
  });

  it("SIGINT during a --once pass: exit 1, the plugin's hung git child killed, nothing left running", async () => {
    const repo = makeRepo();
    const project = tempDir("project-");
    const marker = join(project, "child.pid");
    writeFileSync(
      join(project, "gitmaint.config.json"),
      JSON.stringify({
        repos: [repo],
        extraPlugins: [[join(fixtures, "hang-run.mjs"), { marker }]],
        // only this plugin runs: the built-ins are off
        plugins: Object.fromEntries(["tmp-pack-reaper", "cruft-writer", "aggregate-during-repack", "snapshot-throttle", "fd-leak-guard", "mirror-snapshot"].map((n) => [n, { enabled: false }])),
        daemon: { shutdownTimeoutMs: 1000 },
      }),
    );
    const d = startCli(["run", "--once"], { cwd: project });
    const gitPid = await waitFor(() => (existsSync(marker) ? Number(readFileSync(marker, "utf8")) : 0), { timeoutMs: 20_000, what: "the run to start its git child" });
    expect(alive(gitPid)).toBe(true);
    const pid = d.child.pid!;
    d.child.kill("SIGINT");
    expect(await d.exited).toEqual({ code: 1, signal: null });
    expect(alive(gitPid)).toBe(false);
    expect(childrenOf(pid)).toEqual([]);
  });

  it("--once exits 0 when every run succeeds (third-party plugin by package name)", () => {
    const repo = makeRepo();
    const project = projectWithExample({ repos: [repo], extraPlugins: [["gitmaint-plugin-example", { maxPacks: 3 }]] });
    const r = runCli(["run", "--once"], { cwd: project });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/pack-count-alert \S+: \d+ packs \(limit 3\)/);
  });

  it("--once exits 1 when a plugin's run fails (third-party plugin by path)", () => {
    const repo = makeRepo();
    const project = tempDir("project-");
    writeFileSync(join(project, ".gitmaintrc.json"), JSON.stringify({ repos: [repo], extraPlugins: ["../" + project.split("/").pop() + "/p.mjs"] }));
    writeFileSync(join(project, "p.mjs"), readFileSync(join(fixtures, "failing-run.mjs")));
    // the fixture imports @gitmaint/core: make it resolvable from the project like an installed plugin would
    mkdirSync(join(project, "node_modules/@gitmaint"), { recursive: true });
    symlinkSync(fileURLToPath(new URL("../../packages/core", import.meta.url)), join(project, "node_modules/@gitmaint/core"));
    const r = runCli(["run", "--once", "--json"], { cwd: project });
    expect(r.code).toBe(1);
    const results = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { type: string; plugin?: string; ok?: boolean; error?: string });
    const failing = results.find((e) => e.type === "run.result" && e.plugin === "failing-run");
    expect(failing).toMatchObject({ ok: false, error: expect.stringMatching(/this plugin always fails/) });
  });

  it("plugins --json lists built-ins and third-party plugins with their source", () => {
    const project = projectWithExample({
      extraPlugins: ["gitmaint-plugin-example", join(fixtures, "failing-run.mjs")],
      plugins: { "pack-count-alert": { maxPacks: 7 } },
    });
    const r = runCli(["plugins", "--json", "--repo", makeRepo()], { cwd: project });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; source: string; state: string }>;
    expect(list.find((p) => p.name === "tmp-pack-reaper")).toMatchObject({ source: "builtin", state: "idle" });
    expect(list.find((p) => p.name === "pack-count-alert")).toMatchObject({ source: "gitmaint-plugin-example", state: "idle" });
    expect(list.find((p) => p.name === "failing-run")).toMatchObject({ source: join(fixtures, "failing-run.mjs") });
  });

  it("a disabled plugin is listed but not set up", () => {
    const project = projectWithExample({ extraPlugins: ["gitmaint-plugin-example"], plugins: { "pack-count-alert": { enabled: false, maxPacks: 1 } } });
    const r = runCli(["plugins", "--json", "--repo", makeRepo()], { cwd: project });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string; enabled: boolean; state: string }>;
    expect(list.find((p) => p.name === "pack-count-alert")).toMatchObject({ enabled: false, state: "disabled" });
  });
});
