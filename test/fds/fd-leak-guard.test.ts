// fd-leak-guard with real processes: a real `git cat-file --batch` keeps a pack open that a repack
// then deletes (pinned disk), and a process that keeps opening files is reported as growing.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Engine, type ActionEvent } from "@gitmaint/core";
import { builtinPlugins } from "@gitmaint/plugins";
import { runCli } from "../helpers/cli.js";
import { cleanupAll, git, makeRepo, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";

afterEach(cleanupAll);

const guard = builtinPlugins.find((p) => p.name === "fd-leak-guard")!;

/** A repository and a live `git cat-file --batch` holding its (now deleted) old pack open. */
async function pinnedPack() {
  const repo = makeRepo({ commits: 10, filesPerCommit: 10 });
  git(repo, ["repack", "-a", "-d", "-q"]);
  const reader = spawnTracked("git", ["cat-file", "--batch"], { cwd: repo });
  let out = "";
  reader.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  reader.stdin!.write("HEAD\n");
  await waitFor(() => out.includes("commit"), { what: "cat-file answered from the pack" });
  git(repo, ["commit", "-q", "--allow-empty", "-m", "one more"]);
  git(repo, ["repack", "-a", "-d", "-f", "-q"]); // deletes the pack cat-file still holds
  return { repo, reader };
}

describe("fd-leak-guard", () => {
  it("finds a real git process holding a deleted pack open and alerts on pinned bytes", async () => {
    const { repo, reader } = await pinnedPack();
    const actions: ActionEvent[] = [];
    const engine = await Engine.create({
      repos: [repo],
      plugins: [{ definition: guard, source: "builtin", options: { pinnedAlertBytes: 1 } }],
      watch: false,
      stateDir: tempDir("state-"),
      subscribe: (bus) => bus.on("action", (a) => void actions.push(a)),
    });
    try {
      const result = (await engine.runPlugin("fd-leak-guard", repo)) as { data: { deleted: Array<{ pid: number; path: string; bytes: number }>; pinnedBytes: number } };
      const held = result.data.deleted.filter((d) => d.pid === reader.pid);
      expect(held.length).toBeGreaterThan(0);
      expect(held[0]!.path).toMatch(/^objects\/pack\/pack-[0-9a-f]{40}\.(pack|idx)$/);
      expect(result.data.pinnedBytes).toBeGreaterThan(0);
      expect(actions.some((a) => a.kind === "alerted" && a.message.includes(String(reader.pid)))).toBe(true);
    } finally {
      await engine.shutdown();
    }
    reader.kill("SIGKILL");
  });

  it("reports a watched process whose descriptors keep growing", async () => {
    const dir = tempDir("leak-");
    const script = join(dir, "leak.mjs");
    writeFileSync(
      script,
      `import { openSync } from "node:fs"; const fds = []; setInterval(() => fds.push(openSync(${JSON.stringify(script)}, "r")), 20);`,
    );
    const leaker = spawnTracked(process.execPath, [script]);
    const actions: ActionEvent[] = [];
    const engine = await Engine.create({
      repos: [makeRepo()],
      plugins: [
        {
          definition: guard,
          source: "builtin",
          options: { sampleIntervalMs: 100, windowSamples: 5, growthAlertPerHour: 1000, watch: [{ name: "leaker", pid: leaker.pid }] },
        },
      ],
      watch: false,
      stateDir: tempDir("state-"),
      subscribe: (bus) => bus.on("action", (a) => void actions.push(a)),
    });
    try {
      await waitFor(() => actions.find((a) => a.kind === "alerted" && a.message.startsWith(`leaker (pid ${leaker.pid}): descriptors growing`)), {
        timeoutMs: 15_000,
        what: "growth alert",
      });
      // gitmaint itself is sampled too, and is not growing
      expect(actions.some((a) => a.message.startsWith("gitmaint (pid"))).toBe(false);
    } finally {
      await engine.shutdown();
    }
  });

  it("gitmaint fds --json lists the holder", async () => {
    const { repo, reader } = await pinnedPack();
    const r = runCli(["fds", "--json", "--repo", repo]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const data = JSON.parse(r.stdout) as { deleted: Array<{ pid: number }>; processes: Array<{ role: string }> };
    expect(data.deleted.some((d) => d.pid === reader.pid)).toBe(true);
    expect(data.processes.some((p) => p.role === "gitmaint")).toBe(true);
  });
});
