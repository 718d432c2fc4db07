/** A real `git pack-objects --progress` run reports progress to onProgress and (throttled) to the Bus. */
import { afterEach, describe, expect, it } from "vitest";
import { Bus, GitRunner, type GitmaintEvents, type GitProgress } from "@gitmaint/core";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cleanupAll, git as plainGit, gitEnv, makeRepo, repoOf, tempDir } from "../helpers/fixtures.js";

afterEach(cleanupAll);

/** Writes `count` similar ~2 KB blobs (so pack-objects searches deltas) and returns their ids. */
function similarBlobs(repo: string, count: number): string[] {
  const dir = tempDir("blobs-");
  const body = Array.from({ length: 60 }, (_, i) => `shared line ${i} of a text that deltas well`).join("\n");
  const paths = Array.from({ length: count }, (_, i) => {
    const p = join(dir, `b${i}`);
    writeFileSync(p, `${body}\nunique ${i} ${Math.random()}\n`);
    return p;
  });
  return plainGit(repo, ["hash-object", "-w", "--stdin-paths"], paths.join("\n") + "\n").split("\n");
}

describe("GitRunner progress", () => {
  it("parses pack-objects progress from stderr and emits git.progress", async () => {
    const path = makeRepo();
    const ids = similarBlobs(path, 400);
    const repo = repoOf(path);
    const bus = new Bus();
    const events: GitmaintEvents["git.progress"][] = [];
    bus.on("git.progress", (e) => void events.push(e));
    let runId = 0;
    bus.on("git.started", (e) => void (runId = e.runId));
    const lines: GitProgress[] = [];
    const git = new GitRunner({ bus }).withOwner("aggregate-during-repack");
    const result = await git.run(["pack-objects", "--progress", "--stdout"], {
      repo,
      env: gitEnv(),
      input: ids.join("\n") + "\n",
      binaryOutput: true,
      onProgress: (p) => lines.push(p),
    });
    expect(result.stdoutBuffer?.subarray(0, 4).toString()).toBe("PACK");

    const phases = [...new Set(lines.map((p) => p.phase))];
    expect(phases).toContain("Enumerating objects");
    expect(phases).toContain("Compressing objects");
    for (const phase of phases) {
      const last = lines.filter((p) => p.phase === phase).at(-1);
      expect(last?.finished, phase).toBe(true);
    }
    expect(lines.find((p) => p.phase === "Enumerating objects" && p.finished)?.done).toBe(400);
    const compressed = lines.filter((p) => p.phase === "Compressing objects").at(-1);
    expect(compressed).toMatchObject({ percent: 100, total: 400, done: 400 });

    // The bus saw the same run, fewer events than lines, and every phase's end.
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThan(lines.length);
    for (const e of events) expect(e).toMatchObject({ runId, repo: repo.id, owner: "aggregate-during-repack", pid: result.pid });
    for (const phase of phases) expect(events.some((e) => e.phase === phase)).toBe(true);
    expect(events.filter((e) => e.phase === "Compressing objects").at(-1)).toMatchObject({ percent: 100, done: 400, total: 400 });
    // progress redraws are not kept in stderr, the final lines are
    expect(result.stderr).toContain("Compressing objects: 100% (400/400), done.");
    expect(result.stderr).not.toContain("\r");
  });
});
