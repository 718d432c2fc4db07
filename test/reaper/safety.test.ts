/**
 * Safety edges: symlinks are never followed (a symlink named tmp_pack_x pointing outside the repo
 * is removed as a link at most; its target is untouched), unreadable directories are reported
 * without a crash, `--dry-run` deletes and journals nothing, and `status` says why files are kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanupAll, gitEnv, makeRepo, tempDir } from "../helpers/fixtures.js";
import { holdOpen, startReaper, stopRigs, type ReapData } from "../helpers/reaper.js";

const HOUR_AGO = new Date(Date.now() - 3_600_000);
const isRoot = process.getuid?.() === 0;
const hasSetpriv = (() => {
  try {
    execFileSync("setpriv", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const CORE = fileURLToPath(new URL("../../packages/core/dist/index.js", import.meta.url));
const PLUGINS = fileURLToPath(new URL("../../packages/plugins/dist/index.js", import.meta.url));
/** Runs one `reap --min-age 0` in a separate process (so it can run as another user). */
const REAP_SCRIPT = `
const [core, plugins, repo, state] = process.argv.slice(2);
const { Engine } = await import(core);
const { tmpPackReaper } = await import(plugins);
const engine = await Engine.create({ repos: [repo], plugins: [{ definition: tmpPackReaper, options: {}, source: "builtin" }], stateDir: state, watch: false });
try {
  const r = await engine.runPlugin("tmp-pack-reaper", engine.repos()[0].id, { dryRun: false, args: { minAgeMs: 0 } });
  process.stdout.write(JSON.stringify(r.data));
} finally {
  await engine.shutdown();
}
`;

afterEach(async () => {
  await stopRigs();
  await cleanupAll();
});

describe("tmp-pack-reaper safety", () => {
  it("a symlink named tmp_pack_x pointing outside the repo: the target is untouched", async () => {
    const outside = tempDir("outside-");
    const target = join(outside, "precious.pack");
    writeFileSync(target, "precious bytes");
    utimesSync(target, HOUR_AGO, HOUR_AGO);
    const outsideDir = join(outside, "dir");
    mkdirSync(outsideDir);
    writeFileSync(join(outsideDir, "inner"), "also precious");
    const r = await startReaper(makeRepo({ bare: true }));
    const link = join(r.repo.packDir, "tmp_pack_x");
    symlinkSync(target, link);
    const dirLink = join(r.repo.objectsDir, "tmp_objdir-incoming-evil");
    symlinkSync(outsideDir, dirLink);
    const data = await r.reap({ minAgeMs: 0 });
    expect(readFileSync(target, "utf8")).toBe("precious bytes");
    expect(readFileSync(join(outsideDir, "inner"), "utf8")).toBe("also precious");
    // Each symlink is unlinked as a link — never followed.
    expect(data.deleted.map((d) => d.path).sort()).toEqual(["objects/pack/tmp_pack_x", "objects/tmp_objdir-incoming-evil"]);
    for (const p of [link, dirLink]) expect(() => lstatSync(p)).toThrow();
    expect(lstatSync(outsideDir).isDirectory()).toBe(true);
    const journal = await r.journal();
    for (const e of journal) expect(e.path?.startsWith("objects/")).toBe(true);
  });

  it("a directory it cannot read (symlink loop, any user): reported, no crash, the rest reaped", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const fan = [...Array(256).keys()].map((i) => i.toString(16).padStart(2, "0")).find((d) => !existsSync(join(r.repo.objectsDir, d)))!;
    symlinkSync(join(r.repo.objectsDir, fan), join(r.repo.objectsDir, fan)); // ELOOP on readdir
    const dead = join(r.repo.packDir, "tmp_pack_dead");
    writeFileSync(dead, "x");
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.problems.some((p) => p.path.includes(`objects/${fan}`))).toBe(true);
    expect(data.deleted.map((d) => d.path)).toContain("objects/pack/tmp_pack_dead");
  });

  it.skipIf(isRoot && !hasSetpriv)(
    "a directory it cannot read (mode 000, as an unprivileged user): reported, kept, no crash [needs setpriv when run as root]",
    () => {
      const repoDir = makeRepo({ bare: true });
      const objects = join(repoDir, "objects");
      const q = join(objects, "tmp_objdir-locked");
      mkdirSync(join(q, "sub"), { recursive: true });
      writeFileSync(join(q, "sub", "f"), "x");
      const state = tempDir("state-");
      const scripts = tempDir("script-");
      const script = join(scripts, "reap.mjs");
      writeFileSync(script, REAP_SCRIPT);
      for (const d of [repoDir, state, scripts]) execFileSync("chmod", ["-R", "a+rwX", d]);
      chmodSync(join(q, "sub"), 0o000);
      const args = [script, CORE, PLUGINS, repoDir, state];
      const env = { ...gitEnv(state), GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "safe.directory", GIT_CONFIG_VALUE_0: "*" };
      const out = isRoot
        ? execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, ...args], { env, encoding: "utf8" })
        : execFileSync(process.execPath, args, { env, encoding: "utf8" });
      const data = JSON.parse(out) as ReapData;
      expect(data.problems.some((p) => p.path === "objects/tmp_objdir-locked/sub")).toBe(true);
      expect(data.kept).toContainEqual({ path: "objects/tmp_objdir-locked", reason: expect.stringMatching(/could not read all of it/) as unknown as string });
      expect(data.deleted).toEqual([]);
      chmodSync(join(q, "sub"), 0o755);
      expect(existsSync(join(q, "sub", "f"))).toBe(true);
    },
  );

  it("--dry-run deletes nothing and journals nothing, but reports what it would reap", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const files = ["tmp_pack_a", "tmp_idx_b", "tmp_rev_c"].map((n) => join(r.repo.packDir, n));
    for (const f of files) writeFileSync(f, "x".repeat(100));
    mkdirSync(join(r.repo.objectsDir, "tmp_objdir-incoming-1", "ab"), { recursive: true });
    writeFileSync(join(r.repo.commonDir, "index.lock"), "");
    const data = await r.reap({ minAgeMs: 0 }, true);
    expect(data.dryRun).toBe(true);
    expect(data.deleted.map((d) => d.path).sort()).toEqual(
      ["index.lock", "objects/pack/tmp_idx_b", "objects/pack/tmp_pack_a", "objects/pack/tmp_rev_c", "objects/tmp_objdir-incoming-1"].sort(),
    );
    expect(data.bytesFreed).toBe(0);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(existsSync(join(r.repo.objectsDir, "tmp_objdir-incoming-1"))).toBe(true);
    expect(await r.journal()).toEqual([]);
    expect(r.actions.filter((a) => a.kind === "reaped")).toEqual([]);
  });

  it("status shows every temporary and why it is kept", async () => {
    const r = await startReaper(makeRepo({ bare: true }));
    const held = join(r.repo.packDir, "tmp_pack_held");
    writeFileSync(held, "x");
    const holder = await holdOpen(held);
    writeFileSync(join(r.repo.packDir, "tmp_idx_young"), "x");
    const status = await r.engine.status(r.repo.id);
    const s = status.plugins["tmp-pack-reaper"];
    expect(s?.summary).toMatch(/^2 temporaries, 2 kept, 0 reapable now/);
    const kept = (s?.data?.["kept"] ?? []) as { path: string; reason: string }[];
    expect(kept).toEqual(
      expect.arrayContaining([
        { path: "objects/pack/tmp_pack_held", reason: expect.stringMatching(/younger than 2m/) as unknown as string },
        { path: "objects/pack/tmp_idx_young", reason: expect.stringMatching(/younger than 2m/) as unknown as string },
      ]),
    );
    utimesSync(held, HOUR_AGO, HOUR_AGO);
    const data = await r.reap({ minAgeMs: 0 });
    expect(data.kept).toContainEqual({ path: "objects/pack/tmp_pack_held", reason: `held open by pid ${holder.pid} (sleep)` });
  });
});
