/**
 * No leaks: after 200 failing runs (and some killed ones) the process's descriptors, handles,
 * exit listeners and abort listeners are back where they started.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Bus, GitError, GitRunner, Journal, ProcessTable } from "@gitmaint/core";
import { cleanupAll, gitEnv, makeRepo, repoOf, tempDir, waitFor } from "../helpers/fixtures.js";
import { fdCount } from "./helpers.js";

afterEach(cleanupAll);

function activeHandles(): number {
  return (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
}

/** Child handles close on the loop iteration after their exit: wait for that, not for a fixed time. */
async function settled(): Promise<void> {
  await waitFor(() => !process.getActiveResourcesInfo().includes("ProcessWrap"), { what: "child handles to close" });
}

describe("GitRunner leaks", () => {
  it("returns to the baseline of fds and handles after 200 failing runs", async () => {
    const repo = repoOf(makeRepo());
    const bus = new Bus();
    bus.on("git.finished", () => {});
    const git = new GitRunner({ bus, processes: new ProcessTable(), journal: new Journal({ dir: tempDir("state-") }) });
    const env = gitEnv();
    const signal = new AbortController().signal;
    let aborts = 0;
    const add = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<AbortSignal["addEventListener"]>) => {
      aborts++;
      add(...args);
    }) as AbortSignal["addEventListener"];
    const remove = signal.removeEventListener.bind(signal);
    signal.removeEventListener = ((...args: Parameters<AbortSignal["removeEventListener"]>) => {
      aborts--;
      remove(...args);
    }) as AbortSignal["removeEventListener"];

    await git.run(["rev-parse", "HEAD"], { repo, env }); // warm up (lazy module loads, first spawn)
    await settled();
    const fds = fdCount();
    const handles = activeHandles();
    const exitListeners = process.listenerCount("exit");

    let failures = 0;
    for (let batch = 0; batch < 50; batch++) {
      const cwd = repo.workTree ?? repo.gitDir;
      const runs = [
        git.run(["rev-parse", "--verify", "nope"], { repo, env, signal }),
        git.run(["cat-file", "-p", "0000000000000000000000000000000000000000"], { cwd, env, signal, timeoutMs: 5000 }),
        // every 10th batch: a run that leaves a tmp_pack (cleaned up) and one killed at its timeout
        batch % 10 === 0
          ? git.run(["index-pack", "--stdin"], { repo, env, signal, input: "junk" })
          : git.run(["rev-parse", "--verify", "nope2"], { cwd, env, signal }),
        batch % 10 === 0
          ? git.spawn(["cat-file", "--batch"], { repo, env, timeoutMs: 50 }).result
          : git.run(["show", "nope3"], { cwd, env, signal }),
      ];
      for (const r of await Promise.allSettled(runs)) {
        expect(r.status).toBe("rejected");
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(GitError);
        failures++;
      }
    }
    expect(failures).toBe(200);
    await settled();
    expect(git.live()).toEqual([]);
    expect(aborts).toBe(0);
    expect(process.listenerCount("exit")).toBe(exitListeners);
    expect(Math.abs(fdCount() - fds)).toBeLessThanOrEqual(2);
    expect(Math.abs(activeHandles() - handles)).toBeLessThanOrEqual(2);
  });
});
