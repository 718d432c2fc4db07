// The lesson of leaked repository handles: after 100 repositories are added and removed and 200
// git runs fail, the daemon's file descriptors are back to baseline (±2).
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { Engine, GitError } from "@gitmaint/core";
import { cleanupAll, makeRepo, tempDir } from "../helpers/fixtures.js";

afterAll(cleanupAll);

const fdCount = (): number => readdirSync("/proc/self/fd").length;
/** libuv handles (fs watchers, timers, child processes, ...): all inotify watches share one fd. */
const handles = (): number => process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap").length;

describe("Engine resource hygiene", () => {
  it("fds return to baseline after 100 repos come and go and 200 git runs fail", async () => {
    const first = makeRepo();
    const engine = await Engine.create({ repos: [first], plugins: [], watch: true, stateDir: tempDir("state-") });
    try {
      const repos = Array.from({ length: 100 }, () => makeRepo());
      // warm up: one add/remove and one failing run, so lazily created handles exist in the baseline
      await engine.removeRepo((await engine.addRepo(repos[0]!)).id);
      await engine.git.run(["rev-parse", "--verify", "nope"], { repo: engine.repos()[0]! }).catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
      const baseline = fdCount();
      const baseHandles = handles();

      const added = [];
      for (const path of repos) added.push(await engine.addRepo(path));
      expect(engine.repos()).toHaveLength(101);
      expect(handles()).toBeGreaterThan(baseHandles + 100); // each watcher holds handles while it runs
      for (const repo of added) await engine.removeRepo(repo.id);
      expect(engine.repos()).toHaveLength(1);

      const repo = engine.repos()[0]!;
      let failures = 0;
      for (let i = 0; i < 200; i++) {
        try {
          await engine.git.run(["rev-parse", "--verify", `missing-${i}`], { repo });
        } catch (error) {
          if (error instanceof GitError) failures++;
        }
      }
      expect(failures).toBe(200);
      expect(engine.liveRuns()).toEqual([]);
      await new Promise((r) => setTimeout(r, 300));
      expect(Math.abs(fdCount() - baseline)).toBeLessThanOrEqual(2);
      expect(Math.abs(handles() - baseHandles)).toBeLessThanOrEqual(2);
      expect(engine.bus.listenerCount()).toBe(0);
    } finally {
      await engine.shutdown();
    }
  });
});
