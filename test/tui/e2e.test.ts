/**
 * End to end in a real terminal: `gitmaint tui` (the real binary, built) on a real repository
 * inside a detached tmux session of 80x24. A git process is SIGKILLed mid-write to leak a
 * `tmp_pack_*`, real pushes add packs, and the screen (tmux capture-pane) must show the new pack
 * count in Repositories and the reap in Activity; `q` must exit 0 and leave no process behind.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cleanupAll, git, gitEnv, makeRepo, spawnTracked, tempDir, waitFor } from "../helpers/fixtures.js";

const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
if (!hasTmux) console.warn("test/tui/e2e.test.ts: SKIPPED, tmux is not installed (.ci/run installs it)");

const BIN = resolve(import.meta.dirname, "../../packages/tui/bin/gitmaint.js");
const socket = `gitmaint-e2e-${process.pid}`;
let tmuxEnv: NodeJS.ProcessEnv = {};

function tmux(...args: string[]): string {
  const r = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { env: tmuxEnv, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** The visible screen, or the screen plus its scrollback. */
function screen(withHistory = false): string {
  return tmux("capture-pane", "-p", "-t", "tui", ...(withHistory ? ["-S", "-"] : []));
}

/** Pids of live processes whose argv or cwd mentions one of `paths`. */
function processesUsing(paths: string[]): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
      let cwd = "";
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // not ours to read
      }
      if (paths.some((p) => cmd.includes(p) || cwd.startsWith(p))) found.push(`${pid}: ${cmd}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

/** Leaks objects/pack/tmp_pack_* by SIGKILLing `git index-pack --stdin` fed half a pack. */
async function leakTmpPack(repo: string): Promise<string> {
  const src = makeRepo({ commits: 1, filesPerCommit: 1 });
  writeFileSync(join(src, "big.bin"), Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)));
  git(src, ["add", "big.bin"]);
  git(src, ["commit", "-q", "-m", "big"]);
  const pack = spawnSync("git", ["pack-objects", "--stdout", "--all"], { cwd: src, env: gitEnv(), input: "", maxBuffer: 64 << 20 }).stdout;
  const packDir = join(repo, ".git", "objects", "pack");
  const writer: ChildProcess = spawnTracked("git", ["index-pack", "--stdin"], { cwd: repo });
  writer.stdin?.write(pack.subarray(0, Math.floor(pack.length / 2)));
  const tmp = await waitFor(() => readdirSync(packDir).find((f) => f.startsWith("tmp_pack_")), { what: "tmp_pack_* to appear" });
  writer.kill("SIGKILL");
  await new Promise((r) => writer.once("exit", r));
  return tmp;
}

afterEach(async () => {
  if (hasTmux) spawnSync("tmux", ["-L", socket, "kill-server"], { env: tmuxEnv, stdio: "ignore" });
  await cleanupAll();
});

describe("gitmaint tui in tmux", () => {
  it.skipIf(!hasTmux)("shows new packs and the reap of a leaked tmp_pack, then quits cleanly on q", async () => {
    const home = tempDir("home-");
    const dir = tempDir("tui-e2e-");
    const repo = makeRepo({ commits: 2 });
    const name = repo.split("/").at(-1)!;
    git(repo, ["config", "receive.unpackLimit", "1"]); // every push lands as a pack
    git(repo, ["config", "receive.autogc", "false"]);
    const client = tempDir("client-");
    git(client, ["clone", "-q", repo, "."]);
    const config = join(dir, "gitmaint.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        plugins: {
          "tmp-pack-reaper": { minAgeMs: { tmp: 300 }, sweepIntervalMs: 1000 },
          // keep the pack count deterministic: no thorough repack during the test
          "cruft-writer": { enabled: false },
        },
      }),
    );
    const exitFile = join(dir, "exit-code");
    tmuxEnv = { ...gitEnv(home), GITMAINT_STATE_DIR: join(dir, "state"), TERM: "xterm-256color" };
    // Ink renders nothing live when it believes it runs in CI
    for (const k of Object.keys(tmuxEnv)) if (k === "CI" || k === "CONTINUOUS_INTEGRATION" || k.startsWith("CI_")) delete tmuxEnv[k];
    const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`;
    const command = `cd ${q(dir)} && node ${q(BIN)} tui --repo ${q(repo)} --config ${q(config)}; echo $? > ${q(exitFile)}`;
    tmux("new-session", "-d", "-x", "80", "-y", "24", "-s", "tui", command);

    const firstRow = new RegExp(`^>${name}\\s+0\\s+~?\\d+\\s+0\\s`, "m");
    await waitFor(() => firstRow.test(screen()), { timeoutMs: 20_000, what: `the first stats (0 packs, no tmp) of ${name}` });

    const leaked = await leakTmpPack(repo);
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(client, `push-${i}.txt`), `push ${i}\n`);
      git(client, ["add", "-A"]);
      git(client, ["commit", "-q", "-m", `push ${i}`]);
      git(client, ["push", "-q", "origin", `HEAD:refs/heads/b${i}`]);
    }
    const packRow = new RegExp(`^>${name}\\s+3\\s`, "m");
    const reaped = /tmp-pack-reaper\s+\S+\s+reaped 1 file/;
    let last = "";
    await waitFor(
      () => {
        last = screen(true);
        return packRow.test(screen()) && reaped.test(last);
      },
      { timeoutMs: 30_000, intervalMs: 200, what: "3 packs in Repositories and the reap in Activity" },
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n--- screen ---\n${last}`);
    });
    expect(existsSync(join(repo, ".git", "objects", "pack", leaked))).toBe(false);
    const visible = screen();
    // 80x24: nothing wider than the terminal, and the live panes are all there
    for (const line of visible.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    for (const title of ["Repositories", "Plugins", "Git processes"]) expect(visible).toContain(title);

    tmux("send-keys", "-t", "tui", "q");
    await waitFor(() => existsSync(exitFile), { timeoutMs: 20_000, what: "gitmaint tui to exit" });
    expect(readFileSync(exitFile, "utf8").trim()).toBe("0");
    await waitFor(() => processesUsing([repo, dir]).length === 0, { timeoutMs: 5000, what: "no leftover processes" }).catch(() => {
      throw new Error(`leftover processes:\n${processesUsing([repo, dir]).join("\n")}`);
    });
  });
});
