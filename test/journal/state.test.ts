import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoKey } from "../../packages/core/src/state/dir.js";
import { StateStore } from "../../packages/core/src/state/store.js";
import { cleanupAll, tempDir } from "../helpers/fixtures.js";
import { assertDistFresh, coreDist } from "../helpers/locks.js";

afterEach(cleanupAll);

const REPO = "/srv/git/app.git";

describe("StateStore", () => {
  it("keeps one JSON file per plugin and repository", async () => {
    const dir = tempDir("state-");
    const a = new StateStore({ dir, plugin: "cruft-writer" });
    const b = new StateStore({ dir, plugin: "reaper" });
    await a.set(REPO, "lastFull", 123);
    await a.set(REPO, "obj", { x: [1, 2] });
    await b.set(REPO, "lastFull", 7);
    expect(await a.get(REPO, "lastFull")).toBe(123);
    expect(await a.get(REPO, "obj")).toEqual({ x: [1, 2] });
    expect(await b.get(REPO, "lastFull")).toBe(7);
    expect(await a.get("/other", "lastFull")).toBeUndefined();
    expect(a.pathFor(REPO)).toBe(join(dir, "state", "cruft-writer", `${repoKey(REPO)}.json`));
    expect(JSON.parse(readFileSync(a.pathFor(REPO), "utf8"))).toMatchObject({ repo: REPO, values: { lastFull: 123 } });
    await a.set(REPO, "obj", undefined);
    expect(await a.entries(REPO)).toEqual({ lastFull: 123 });
    // a fresh instance (next run) sees the same state
    expect(await new StateStore({ dir, plugin: "cruft-writer" }).get(REPO, "lastFull")).toBe(123);
    expect(statSync(dirname(a.pathFor(REPO))).mode & 0o777).toBe(0o700);
  });

  it("serializes concurrent sets from one process (no lost keys)", async () => {
    const store = new StateStore({ dir: tempDir("state-"), plugin: "p" });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(REPO, `k${i}`, i)));
    expect(Object.keys(await store.entries(REPO))).toHaveLength(50);
    expect(readdirSync(dirname(store.pathFor(REPO)))).toEqual([`${repoKey(REPO)}.json`]);
  });

  it("treats a corrupt file as empty, reports it, and replaces it on the next set", async () => {
    const dir = tempDir("state-");
    const corrupt: string[] = [];
    const store = new StateStore({ dir, plugin: "p", onCorrupt: (path) => corrupt.push(path) });
    await store.set(REPO, "a", 1);
    writeFileSync(store.pathFor(REPO), '{"version":1,"repo":"x","values":{"a":');
    expect(await store.get(REPO, "a")).toBeUndefined();
    expect(corrupt).toEqual([store.pathFor(REPO)]);
    await store.set(REPO, "b", 2);
    expect(await store.entries(REPO)).toEqual({ b: 2 });
    writeFileSync(store.pathFor(REPO), "[]");
    expect(await store.get(REPO, "b")).toBeUndefined();
    expect(corrupt).toHaveLength(3); // the corrupt file, again when set() read it, then "[]"
  });

  it("writes atomically: a reader racing a writer process never sees a partial file", async () => {
    assertDistFresh(["state"]);
    const dir = tempDir("state-");
    const store = new StateStore({ dir, plugin: "p", onCorrupt: (_p, e) => corrupt.push(String(e)) });
    const corrupt: string[] = [];
    await store.set(REPO, "n", -1);
    const script = `
      const { StateStore } = await import(${JSON.stringify(`file://${coreDist}/state/store.js`)});
      const s = new StateStore({ dir: ${JSON.stringify(dir)}, plugin: "p" });
      const big = "q".repeat(200_000);
      for (let i = 0; i < 150; i++) await s.set(${JSON.stringify(REPO)}, "n", { i, big });
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "inherit"] });
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    let reads = 0;
    let done = false;
    void exited.then(() => (done = true));
    const seen = new Set<number>();
    while (!done) {
      const v = await store.get<{ i: number; big: string } | number>(REPO, "n");
      if (typeof v === "object" && v) {
        expect(v.big).toHaveLength(200_000);
        seen.add(v.i);
      }
      reads++;
    }
    expect(await exited).toBe(0);
    expect(corrupt).toEqual([]);
    expect(reads).toBeGreaterThan(10);
    expect(seen.size).toBeGreaterThan(1);
    expect(await store.get(REPO, "n")).toMatchObject({ i: 149 });
    expect(readdirSync(dirname(store.pathFor(REPO)))).toEqual([`${repoKey(REPO)}.json`]);
  });
});
