/**
 * The failure story: archiving a live repository while fetches rewrite `packed-refs` must never
 * publish a corrupt snapshot. A bare repository with 2,000 packed branches is rewritten by real
 * git writers (update-ref of 150 refs per round, pack-refs --all, repack -d moving loose objects
 * into packs) while gitmaint takes archives one after another; every published archive must
 * restore, pass a full `git fsck` and have every ref resolve. A naive copier (`cp -r` of the live
 * directory) runs under the same load for comparison; its failures are logged (they depend on
 * timing), gitmaint's side is asserted.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";
import { checkRepo, manyRefsRepo, naiveCopy, stagingLeftovers, startArchiver, startRefWriter, stopArchivers } from "../helpers/mirror.js";

afterEach(async () => {
  await stopArchivers();
  await cleanupAll();
});

const ARCHIVES = 20;
/** Refs no writer ever deletes: 2,000 branches, main and 20 tags. */
const STABLE_REFS = 2021;

interface NaiveResult {
  ok: boolean;
  problems: string[];
}

/** A naive copy is broken when fsck fails, a ref does not resolve, or refs were lost. */
function judgeNaive(copy: string, notes: string[]): NaiveResult {
  const check = checkRepo(copy, { full: false });
  const problems = [...check.problems, ...(check.refs < STABLE_REFS ? [`${STABLE_REFS - check.refs}+ refs lost`] : [])];
  return { ok: problems.length === 0, problems: [...problems, ...notes] };
}

describe("mirror-snapshot under live writers", () => {
  it("every published archive of a repository whose packed-refs is being rewritten restores and passes fsck", async () => {
    const source = manyRefsRepo(2000);
    const rig = await startArchiver(source, { waitMs: 5000 });
    const outDir = tempDir("archives-");
    const writers = [startRefWriter(source, 1), startRefWriter(source, 2, 4)];
    await waitFor(() => writers.every((w) => w.rounds() >= 2), { timeoutMs: 30_000, what: "writers running" });

    // Naive copiers under the same load, in the background while the archives are taken (judged
    // afterwards): `cp -r` of the live directory, carrying on past its complaints like a script
    // without `set -e`, and a name-order walk that sizes each file with lstat and then opens it
    // (objects/ before packed-refs and refs/), paced 1 ms per file.
    let archiving = true;
    const naiveCopies = { cp: [] as Array<{ dir: string; notes: string[] }>, walk: [] as Array<{ dir: string; notes: string[] }> };
    const naiveLoop = (async () => {
      while (archiving) {
        const cpCopy = join(tempDir("naive-"), "repo.git");
        const cp = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const child = spawnTracked("cp", ["-r", source, cpCopy]);
          let stderr = "";
          child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
          child.on("exit", (code) => resolve({ code, stderr }));
        });
        naiveCopies.cp.push({ dir: cpCopy, notes: cp.code !== 0 ? [`cp: ${cp.stderr.trim().split("\n")[0]}`] : [] });
        const walkCopy = join(tempDir("naive-"), "repo.git");
        const walked = await naiveCopy(source, walkCopy);
        naiveCopies.walk.push({ dir: walkCopy, notes: walked.shortReads ? [`${walked.shortReads} short reads`] : [] });
      }
    })();

    const results = [];
    const started = Date.now();
    for (let i = 0; i < ARCHIVES; i++) results.push(await rig.archive(join(outDir, `a${i}.tar`)));
    archiving = false;
    await naiveLoop;
    const elapsed = Date.now() - started;
    const rounds = writers.map((w) => w.rounds());
    for (const w of writers) w.child.kill("SIGKILL");

    // Writers really ran during the archives and the archives really differ.
    expect(Math.min(...rounds)).toBeGreaterThan(5);
    expect(new Set(results.map((r) => r.sha256)).size).toBeGreaterThan(ARCHIVES / 2);

    for (const [i, result] of results.entries()) {
      expect(result.verified).toBe(true);
      expect(result.refs).toBeGreaterThanOrEqual(STABLE_REFS);
      expect(existsSync(`${result.archive}.sha256`)).toBe(true);
      const to = join(tempDir("restored-"), `r${i}.git`);
      const restored = await rig.restore(result.archive, to);
      expect(restored.refs).toBe(result.refs);
      const check = checkRepo(to);
      expect(check.problems, `archive ${i}`).toEqual([]);
      expect(check.refs).toBe(result.refs);
    }
    expect(stagingLeftovers(join(outDir, "a0.tar"))).toEqual([]);

    const journal = await rig.journal();
    expect(journal.filter((e) => e.op === "snapshot" && e.details?.published === true)).toHaveLength(ARCHIVES);

    const naive = {
      cp: naiveCopies.cp.map((c) => judgeNaive(c.dir, c.notes)),
      walk: naiveCopies.walk.map((c) => judgeNaive(c.dir, c.notes)),
    };
    const summary = (list: NaiveResult[]) => {
      const bad = list.filter((n) => !n.ok);
      return `${bad.length}/${list.length} broken${bad.length ? ` (${[...new Set(bad.map((b) => b.problems[0]))].slice(0, 2).join("; ")})` : ""}`;
    };
    console.log(
      `[mirror] ${ARCHIVES} gitmaint archives in ${elapsed} ms (${Math.round(elapsed / ARCHIVES)} ms each, writer rounds ${rounds.join("+")}, ` +
        `attempts ${results.map((r) => r.attempts).join("")}): all restored, fsck-clean, every ref resolves. Under the same load, ` +
        `naive cp -r: ${summary(naive.cp)}; naive lstat-then-open walk: ${summary(naive.walk)}`,
    );
  });
});
