import { spawn } from "node:child_process";
import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../packages/core/src/journal/journal.js";
import { repoKey, stateDir } from "../../packages/core/src/state/dir.js";
import { cleanupAll, tempDir } from "../helpers/fixtures.js";
import { assertDistFresh, coreDist } from "../helpers/locks.js";

afterEach(cleanupAll);

const REPO = "/srv/git/app.git";

describe("Journal", () => {
  it("appends with at and pid, reads back in order, filters by since/op/limit", async () => {
    const dir = tempDir("state-");
    const journal = new Journal({ dir });
    await journal.append({ repo: REPO, plugin: "reaper", op: "delete", path: "objects/pack/tmp_pack_1", bytes: 10, reason: "dead" });
    await journal.append({ repo: REPO, plugin: "cruft", op: "repack", reason: "full", at: 5, details: { argv: ["repack"] } });
    await journal.append({ repo: REPO, plugin: "reaper", op: "delete", path: "objects/pack/tmp_idx_2", reason: "dead" });

    const all = await journal.read(REPO);
    expect(all.map((e) => e.op)).toEqual(["delete", "repack", "delete"]);
    expect(all[0]).toMatchObject({ repo: REPO, plugin: "reaper", bytes: 10, pid: process.pid });
    expect(all[0]!.at).toBeGreaterThan(1_600_000_000_000);
    expect(all[1]).toMatchObject({ at: 5, details: { argv: ["repack"] } });
    expect((await journal.read(REPO, { op: "delete" })).map((e) => e.path)).toEqual([
      "objects/pack/tmp_pack_1",
      "objects/pack/tmp_idx_2",
    ]);
    expect((await journal.read(REPO, { since: 6 })).map((e) => e.op)).toEqual(["delete", "delete"]);
    expect((await journal.read(REPO, { limit: 2 })).map((e) => e.op)).toEqual(["repack", "delete"]);
    expect(await journal.read("/some/other/repo")).toEqual([]);

    const path = journal.pathFor(REPO);
    expect(path).toBe(join(dir, "journal", `${repoKey(REPO)}.jsonl`));
    expect(readFileSync(path, "utf8").trim().split("\n")).toHaveLength(3);
    expect(statSync(join(dir, "journal")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it("never interleaves concurrent appends from one process", async () => {
    const journal = new Journal({ dir: tempDir("state-") });
    const big = "y".repeat(20_000);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        journal.append({ repo: REPO, plugin: "p", op: "note", reason: `n${i}`, details: { big } }),
      ),
    );
    const lines = readFileSync(journal.pathFor(REPO), "utf8").split("\n").filter(Boolean);
    expect(lines).toHaveLength(200);
    expect(lines.map((l) => (JSON.parse(l) as { reason: string }).reason)).toEqual(
      Array.from({ length: 200 }, (_, i) => `n${i}`),
    );
  });

  it("skips a truncated last line (writer killed mid-line); the next run appends whole lines", async () => {
    const dir = tempDir("state-");
    const killed = new Journal({ dir });
    await killed.append({ repo: REPO, plugin: "p", op: "delete", reason: "first" });
    appendFileSync(killed.pathFor(REPO), '{"at":1,"repo":"/srv/git/app.git","op":"del');
    const journal = new Journal({ dir });
    expect((await journal.read(REPO)).map((e) => e.reason)).toEqual(["first"]);
    await journal.append({ repo: REPO, plugin: "p", op: "delete", reason: "after" });
    expect((await journal.read(REPO)).map((e) => e.reason)).toEqual(["first", "after"]);
    appendFileSync(journal.pathFor(REPO), "not json\n[1,2]\n{}\n");
    expect((await journal.read(REPO)).map((e) => e.reason)).toEqual(["first", "after"]);
  });

  describe("two processes", () => {
    beforeAll(() => assertDistFresh(["journal", "state"]));

    it("append 500 lines each concurrently: 1000 whole, valid lines", async () => {
      const dir = tempDir("state-");
      const script = `
        const { Journal } = await import(${JSON.stringify(`file://${coreDist}/journal/journal.js`)});
        const j = new Journal({ dir: ${JSON.stringify(dir)} });
        const pad = "z".repeat(Number(process.argv[2]));
        await new Promise((r) => setTimeout(r, Number(process.argv[1]) - Date.now()));
        const all = [];
        for (let i = 0; i < 500; i++) {
          all.push(j.append({ repo: ${JSON.stringify(REPO)}, plugin: "w" + process.pid, op: "note", reason: String(i), details: { pad } }));
          if (i % 50 === 0) await Promise.all(all.splice(0));
        }
        await Promise.all(all);
      `;
      const startAt = Date.now() + 700;
      const run = (pad: number): Promise<number> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ["--input-type=module", "-e", script, String(startAt), String(pad)], {
            stdio: ["ignore", "ignore", "inherit"],
          });
          child.on("error", reject);
          child.on("exit", (code) => (code === 0 ? resolve(child.pid!) : reject(new Error(`writer exited ${code}`))));
        });
      const [a, b] = await Promise.all([run(100), run(6000)]);
      const text = readFileSync(new Journal({ dir }).pathFor(REPO), "utf8");
      expect(text.endsWith("\n")).toBe(true);
      // whole lines only; at most a stray empty line from the first-append tail check (documented)
      const lines = text.split("\n").filter((l) => l !== "");
      expect(text.split("\n").length - 1 - lines.length).toBeLessThanOrEqual(2);
      expect(lines).toHaveLength(1000);
      const byWriter = new Map<string, string[]>();
      for (const line of lines) {
        const e = JSON.parse(line) as { plugin: string; reason: string; pid: number };
        expect(`w${e.pid}`).toBe(e.plugin);
        byWriter.set(e.plugin, [...(byWriter.get(e.plugin) ?? []), e.reason]);
      }
      const expected = Array.from({ length: 500 }, (_, i) => String(i));
      expect(byWriter.get(`w${a}`)).toEqual(expected);
      expect(byWriter.get(`w${b}`)).toEqual(expected);
      expect(await new Journal({ dir }).read(REPO)).toHaveLength(1000);
    });
  });
});

describe("stateDir", () => {
  it("honours GITMAINT_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state", () => {
    expect(stateDir({ GITMAINT_STATE_DIR: "/x/state", XDG_STATE_HOME: "/xdg", HOME: "/h" })).toBe("/x/state");
    expect(stateDir({ XDG_STATE_HOME: "/xdg", HOME: "/h" })).toBe("/xdg/gitmaint");
    expect(stateDir({ XDG_STATE_HOME: "relative", HOME: "/h" })).toBe("/h/.local/state/gitmaint");
    expect(stateDir({ HOME: "/h" })).toBe("/h/.local/state/gitmaint");
  });

  it("a Journal on stateDir() writes under GITMAINT_STATE_DIR", async () => {
    const dir = tempDir("state-");
    const journal = new Journal({ dir: stateDir({ ...process.env, GITMAINT_STATE_DIR: dir }) });
    await journal.append({ repo: REPO, plugin: "p", op: "note", reason: "hi" });
    expect(journal.pathFor(REPO).startsWith(join(dir, "journal") + "/")).toBe(true);
    expect(readFileSync(journal.pathFor(REPO), "utf8")).toContain('"reason":"hi"');
  });
});

describe("repoKey", () => {
  it("is stable, file-system safe and distinct per repository", () => {
    expect(repoKey("/src/my app/.git")).toMatch(/^my_app-[0-9a-f]{12}$/);
    expect(repoKey("/srv/app.git")).toMatch(/^app.git-[0-9a-f]{12}$/);
    expect(repoKey("/srv/app.git")).toBe(repoKey("/srv/app.git"));
    expect(repoKey("/a/app.git")).not.toBe(repoKey("/b/app.git"));
    expect(repoKey("/")).toMatch(/^repo-[0-9a-f]{12}$/);
  });
});
