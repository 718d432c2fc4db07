/**
 * The snapshot-throttle guard in a real Engine with the real reaper: a stopped (SIGSTOP) external
 * `git add` on a watched side dir that exceeds maxRuntime is killed, journaled, and the dir is
 * reaped; the same process shape on an unwatched dir is never touched; fast growth is alerted.
 */
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "@gitmaint/core";
import type { ActionEvent, PluginDefinition } from "@gitmaint/core";
import type { GuardPass } from "@gitmaint/plugins";
import { snapshotThrottle, tmpPackReaper } from "@gitmaint/plugins";
import { cleanupAll, git, spawnTracked, tempDir, waitFor, writeLooseBlobs } from "../helpers/fixtures.js";
import { isolateGitEnv, makeWorkTree } from "../helpers/snapshot.js";

beforeAll(() => isolateGitEnv());

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.shutdown();
  engine = undefined;
  await cleanupAll();
});

const def = (p: unknown): PluginDefinition => p as PluginDefinition;

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
  } catch {
    return undefined;
  }
}

/** Starts `git add .` into a side dir and stops it (SIGSTOP) once it holds index.lock. */
async function stoppedAdd(gitDir: string, workTree: string): Promise<ChildProcess> {
  const child = spawnTracked("git", [`--git-dir=${gitDir}`, `--work-tree=${workTree}`, "add", "."], { cwd: workTree });
  await waitFor(() => existsSync(join(gitDir, "index.lock")), { intervalMs: 1, what: "git add to take index.lock" });
  process.kill(child.pid!, "SIGSTOP");
  await waitFor(() => procState(child.pid!) === "T", { what: "git add to stop" });
  return child;
}

describe("snapshot-throttle guard", () => {
  it("kills a runaway git add on a watched dir, journals it, has the dir reaped; never touches an unwatched dir", async () => {
    const root = tempDir("opencode-");
    mkdirSync(join(root, "snapshot"));
    const watched = join(root, "snapshot", "proj1");
    const unwatched = join(tempDir("elsewhere-"), "proj2");
    const workTree = makeWorkTree(3_000);
    git(workTree, ["init", "-q", "--bare", watched]);
    git(workTree, ["init", "-q", "--bare", unwatched]);
    // a tmp file leaked by an earlier killed run: kept while the add might be its writer
    const leaked = join(watched, "objects", "pack", "tmp_pack_leaked");
    mkdirSync(join(watched, "objects", "pack"), { recursive: true });
    writeFileSync(leaked, "x".repeat(1000));
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(leaked, hourAgo, hourAgo);

    const victim = await stoppedAdd(watched, workTree);
    const bystander = await stoppedAdd(unwatched, workTree);
    const victimExit = new Promise<NodeJS.Signals | null>((r) => victim.once("exit", (_c, s) => r(s)));

    const actions: ActionEvent[] = [];
    engine = await Engine.create({
      repos: [],
      watch: false,
      stateDir: tempDir("state-"),
      plugins: [
        { definition: def(tmpPackReaper), source: "builtin" },
        {
          definition: def(snapshotThrottle),
          source: "builtin",
          options: {
            roots: [join(root, "snapshot", "*")],
            includeDefaultRoot: false,
            maxRuntimeMs: 300,
            scanIntervalMs: 150,
            killGraceMs: 2_000,
            growthSampleMs: 50,
            maxGrowthPerHourBytes: 1024 ** 3,
          },
        },
      ],
      subscribe: (bus) => void bus.on("action", (e) => void actions.push(e)),
    });

    const signal = await Promise.race([victimExit, new Promise((r) => setTimeout(() => r("still alive after 20 s"), 20_000))]);
    expect(signal).toBe("SIGTERM");
    const killed = await waitFor(() => actions.find((a) => a.kind === "killed" && a.plugin === "snapshot-throttle"), { what: "killed action" });
    expect(killed.details?.["pid"]).toBe(victim.pid);
    // the reaper cleaned the dir right after
    await waitFor(() => !existsSync(leaked), { what: "the leaked tmp file to be reaped" });
    expect(actions.some((a) => a.plugin === "tmp-pack-reaper" && a.kind === "reaped")).toBe(true);
    const journal = await engine.journal.read(killed.repo, { op: "kill" });
    expect(journal).toHaveLength(1);
    expect(journal[0]?.details?.["pid"]).toBe(victim.pid);

    // the bystander on the unwatched dir is still there, still stopped, and was never signalled
    await new Promise((r) => setTimeout(r, 500));
    expect(procState(bystander.pid!)).toBe("T");
    expect(bystander.exitCode).toBeNull();
    expect(actions.filter((a) => a.kind === "killed")).toHaveLength(1);
    expect(existsSync(join(unwatched, "index.lock"))).toBe(true);
  });

  it("alerts when a watched dir grows faster than maxGrowthPerHour", async () => {
    const root = tempDir("snaps-");
    const dir = join(root, "p.git");
    git(root, ["init", "-q", "--bare", dir]);
    const actions: ActionEvent[] = [];
    engine = await Engine.create({
      repos: [],
      watch: false,
      stateDir: tempDir("state-"),
      plugins: [
        {
          definition: def(snapshotThrottle),
          source: "builtin",
          options: { roots: [join(root, "*.git")], includeDefaultRoot: false, scanIntervalMs: 50, growthSampleMs: 50, maxGrowthPerHourBytes: 1024 ** 2 },
        },
      ],
      subscribe: (bus) => void bus.on("action", (e) => void actions.push(e)),
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(actions.filter((a) => a.kind === "alerted")).toEqual([]);
    writeLooseBlobs(dir, 200);
    const alert = await waitFor(() => actions.find((a) => a.kind === "alerted"), { what: "growth alert" });
    expect(alert.message).toMatch(/grows .*\/h/);
    // one alert per hour per dir, not one per sample
    await new Promise((r) => setTimeout(r, 300));
    expect(actions.filter((a) => a.kind === "alerted")).toHaveLength(1);
  });
});

describe("snapshot-throttle guard and gitmaint's own runs", () => {
  it("never kills a grandchild of a gitmaint git run (alias shell -> git) on a watched dir; kills the same shape started by someone else", async () => {
    const root = tempDir("snaps-");
    const dir = join(root, "p.git");
    git(root, ["init", "-q", "--bare", dir]);
    engine = await Engine.create({
      repos: [dir],
      watch: false,
      stateDir: tempDir("state-"),
      plugins: [
        {
          definition: def(snapshotThrottle),
          source: "builtin",
          // passes only when the test asks for one (the timer's first pass sees no process yet)
          options: { roots: [join(root, "*.git")], includeDefaultRoot: false, maxRuntimeMs: 300, scanIntervalMs: 3_600_000, killGraceMs: 2_000 },
        },
      ],
    });
    const e = engine;
    // gitmaint's run: git -> sh (the alias) -> git cat-file --batch (blocked on the pipe), cwd the watched dir
    const own = e.git.run(["x"], { cwd: dir, config: { "alias.x": "!sleep 600 | git cat-file --batch; true" }, timeoutMs: 120_000, cleanupOnFailure: false });
    own.catch(() => {});
    const runPid = await waitFor(() => e.git.live().find((r) => r.argv.includes("x"))?.pid, { what: "gitmaint's git run" });
    const grandchild = await waitFor(
      async () => {
        const snap = await e.processes.scan();
        return snap.processes.find((p) => p.argv[1] === "cat-file" && snap.get(p.ppid)?.ppid === runPid);
      },
      { what: "the alias's git cat-file (a grandchild of the run)" },
    );
    // an external process of the same shape on the same dir, started later: the control
    const external = spawnTracked("git", ["cat-file", "--batch"], { cwd: dir });
    const externalExit = new Promise<NodeJS.Signals | null>((r) => external.once("exit", (_c, s) => r(s)));
    const spawnedAt = Date.now();
    await waitFor(() => Date.now() - spawnedAt > 600, { what: "the external git to outlive maxRuntime" });

    const result = await e.runPlugin("snapshot-throttle", e.repos()[0]!.id, { trigger: "cli" });
    const pass = result!.data as GuardPass;
    expect(pass.watched).toEqual([dir]);
    expect(pass.runaways.map((r) => r.pid)).toEqual([external.pid]);
    expect(await externalExit).toBe("SIGTERM");
    // the grandchild ran longer than the external one, on the same dir, and was left alone
    expect(grandchild.startTime).toBeLessThanOrEqual(spawnedAt);
    expect(procState(grandchild.pid)).toMatch(/^[RS]$/);
    expect(e.git.live().map((r) => r.pid)).toContain(runPid);
  });
});
