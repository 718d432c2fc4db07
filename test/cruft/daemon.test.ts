/**
 * The daemon triggers of cruft-writer: the periodic `--auto` check (ctx.every) and the debounced
 * check after a `repo.stats` that crosses a threshold both repack in the background, once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Engine, type ActionEvent } from "@gitmaint/core";
import { cruftWriter } from "@gitmaint/plugins";
import { cleanupAll, tempDir, waitFor } from "../helpers/fixtures.js";
import { fsckClean, generateRepo, listPacks } from "../helpers/cruft.js";

const engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.splice(0).map((e) => e.shutdown()));
  await cleanupAll();
});

function threePacks(): string {
  const path = generateRepo({ commits: 5, filesPerCommit: 3, bare: true });
  generateRepo({ commits: 2, filesPerCommit: 3, into: path, seed: 5 });
  generateRepo({ commits: 2, filesPerCommit: 3, into: path, seed: 6 });
  return path;
}

async function daemon(path: string, options: Record<string, unknown>, watch: boolean) {
  const actions: ActionEvent[] = [];
  const seen = { stats: 0 };
  // subscribe before start: the watcher's first repo.stats is emitted while the engine starts
  const engine = await Engine.create({
    repos: [path],
    plugins: [{ definition: cruftWriter, options, source: "builtin" }],
    stateDir: tempDir("state-"),
    watch,
    statsIntervalMs: 200,
    subscribe: (bus) => {
      bus.on("action", (a) => void actions.push(a));
      bus.on("repo.stats", () => void seen.stats++);
    },
  });
  engines.push(engine);
  return { engine, actions, seen };
}

describe("cruft-writer in the daemon", () => {
  it("the periodic check repacks a repository that needs it, once", async () => {
    const path = threePacks();
    const { actions } = await daemon(path, { checkIntervalMs: 150 }, false);
    await waitFor(() => actions.some((a) => a.plugin === "cruft-writer" && a.kind === "repacked"), { timeoutMs: 20_000, what: "a repack" });
    await new Promise((r) => setTimeout(r, 600)); // more checks: within the cooldown nothing else runs
    const repacks = actions.filter((a) => a.plugin === "cruft-writer" && a.kind === "repacked");
    expect(repacks).toHaveLength(1);
    expect(repacks[0]?.message).toMatch(/full repack done/);
    expect(listPacks(path, `${path}/objects/pack`).filter((p) => !p.cruft)).toHaveLength(1);
    fsckClean(path);
  });

  it("a repo.stats crossing a threshold triggers a debounced check", async () => {
    const path = threePacks();
    const { actions, seen } = await daemon(path, { checkIntervalMs: 0, statsDebounceMs: 50 }, true);
    await waitFor(() => actions.some((a) => a.plugin === "cruft-writer" && a.kind === "repacked"), { timeoutMs: 20_000, what: "a repack" });
    expect(seen.stats).toBeGreaterThan(0); // with the periodic check off, only repo.stats could have triggered it
    fsckClean(path);
  });
});
