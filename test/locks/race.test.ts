import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../packages/core/src/journal/journal.js";
import { locksDirOf, readLockHolder } from "../../packages/core/src/locks/locks.js";
import { cleanupAll, makeRepo, repoOf, tempDir } from "../helpers/fixtures.js";
import { assertDistFresh, deadPid, startAgent, type Agent } from "../helpers/locks.js";

afterAll(cleanupAll);

describe("two processes racing to take over one stale lock", () => {
  let repo: ReturnType<typeof repoOf>;
  let journalDir: string;
  let agents: Agent[];

  beforeAll(async () => {
    assertDistFresh();
    repo = repoOf(makeRepo());
    journalDir = tempDir("state-");
    agents = await Promise.all([startAgent(repo, { journalDir }), startAgent(repo, { journalDir })]);
  });

  it("exactly one wins, exactly one takeover is journaled per stale file (20 rounds)", async () => {
    const journal = new Journal({ dir: journalDir });
    let raced = 0;
    let expectedTakeovers = 0;
    for (let round = 0; round < 20; round++) {
      const name = round % 4 === 3 ? "maintenance" : "fetch";
      const stale = { pid: deadPid(), startTicks: 12345, host: hostname(), owner: `dead-${round}`, acquiredAt: round };
      mkdirSync(locksDirOf(repo), { recursive: true });
      writeFileSync(join(locksDirOf(repo), `${name}.lock`), JSON.stringify(stale) + "\n");
      if (name === "maintenance") writeFileSync(join(repo.objectsDir, "maintenance.lock"), JSON.stringify(stale) + "\n");
      expectedTakeovers += name === "maintenance" ? 2 : 1;

      const startAt = Date.now() + 150;
      const replies = await Promise.all(agents.map((a) => a.send(`acquire ${name} 0 ${startAt}`)));
      const winners = agents.filter((_, i) => replies[i]!.ok);
      expect(winners, `round ${round}: ${JSON.stringify(replies)}`).toHaveLength(1);
      const winner = winners[0]!;
      const loser = replies.find((r) => !r.ok)!;
      expect(loser.code).toBe("E_LOCK_BUSY");
      if (loser.error!.includes("being taken over")) raced++;
      else expect(loser.error).toContain(`gitmaint pid ${winner.pid}`);
      expect((await readLockHolder(join(locksDirOf(repo), `${name}.lock`)))?.pid).toBe(winner.pid);
      if (name === "maintenance") expect((await readLockHolder(join(repo.objectsDir, "maintenance.lock")))?.pid).toBe(winner.pid);

      const takeovers = await journal.read(repo.id, { op: "lock-takeover" });
      expect(takeovers, `round ${round}`).toHaveLength(expectedTakeovers);
      expect(takeovers.at(-1)!.details).toMatchObject({ holder: { owner: `dead-${round}` } });
      expect(await winner.send(`release ${name}`)).toMatchObject({ ok: true });
      expect(existsSync(join(locksDirOf(repo), `${name}.lock`))).toBe(false);
    }
    // no guard or temporary file is left behind
    expect(readdirSync(locksDirOf(repo))).toEqual([]);
    expect(readdirSync(repo.objectsDir).filter((n) => !/^([0-9a-f]{2}|info|pack)$/.test(n))).toEqual([]);
    // informational: how often the loser met the winner inside the takeover itself
    console.log(`takeover race: ${raced}/20 rounds overlapped inside the takeover window`);
  });
});
