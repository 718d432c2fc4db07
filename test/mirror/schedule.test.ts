/** The daemon side: scheduled archives into `dir`, the newest `keep` kept, rotations journalled. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, makeRepo, tempDir, waitFor } from "../helpers/fixtures.js";
import { checkRepo, startArchiver, stopArchivers } from "../helpers/mirror.js";

afterEach(async () => {
  await stopArchivers();
  await cleanupAll();
});

describe("mirror-snapshot schedule", () => {
  it("archives every scheduleMs and keeps the newest `keep`, journalling each removal", async () => {
    const source = makeRepo({ bare: true, commits: 3 });
    const dir = tempDir("archives-");
    const rig = await startArchiver(source, { scheduleMs: 150, dir, keep: 2 });
    await waitFor(async () => (await rig.journal()).filter((e) => e.op === "delete").length >= 2, { timeoutMs: 30_000, what: "two rotations" });
    await rig.engine.shutdown();
    const tars = readdirSync(dir).filter((n) => n.endsWith(".tar"));
    expect(tars).toHaveLength(2);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tar.sha256"))).toHaveLength(2);
    expect(readdirSync(dir).filter((n) => n.includes(".tmp-"))).toEqual([]);
    const journal = await rig.journal();
    const published = journal.filter((e) => e.op === "snapshot" && e.details?.published === true).length;
    expect(journal.filter((e) => e.op === "delete" && /rotated out/.test(e.reason)).length).toBe(published - 2);
    const to = join(tempDir("restore-"), "r.git");
    const other = await startArchiver(source);
    await other.restore(join(dir, tars.sort().at(-1)!), to);
    expect(checkRepo(to).problems).toEqual([]);
  });
});
