/**
 * `createSnapshotter`: a safe `track()` for tools that keep an undo history of a work tree in a
 * side git dir. Single-flight and throttled; every git run goes through GitRunner with a time
 * limit that kills the process tree; every exit code is checked (a failure throws SnapshotError,
 * never returns a stale tree as fresh); what a failed run left (its index.lock, tmp files) is
 * removed once proven dead; each snapshot is kept reachable under `refs/gitmaint/snapshots/`.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { GitError, GitRunner, Journal, ProcessTable, errorMessage, stateDir } from "@gitmaint/core";
import type { GitResult, GitRunnerApi, JournalApi, ProcessTableApi, Repository } from "@gitmaint/core";
import { Flight } from "./flight.js";
import { cleanLeftovers } from "./leftovers.js";
import { parseRawDiff, planRestore, removePaths } from "./restore.js";
import { SNAPSHOT_REF_PREFIX, parseSnapshotRefs, planRecord, updateRefInput, type RetentionPolicy } from "./retention.js";
import { SIDE_CONFIG, ensureSideRepo, syncExclude } from "./side-repo.js";
import { SnapshotError } from "./types.js";
import type { RestoreResult, SnapshotChange, SnapshotRef, Snapshotter, SnapshotterOptions, SnapshotterStats, TrackResult } from "./types.js";
import { addPathspecs, splitBySize, splitNul } from "./untracked.js";

export const SNAPSHOT_DEFAULTS = {
  timeoutMs: 30_000,
  minIntervalMs: 1_000,
  maxFileBytes: 2 * 1024 * 1024,
  keepCount: 100,
  keepMaxAgeMs: 7 * 24 * 3_600_000,
  killGraceMs: 1_000,
} as const;

/** Above this many new files one `git add -A` is cheaper than listing them to update-index. */
const BULK_ADD_THRESHOLD = 2_000;

/** Variables from the caller's environment that would point git elsewhere. */
const CLEARED_ENV = ["GIT_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_QUARANTINE_PATH", "GIT_CEILING_DIRECTORIES"];

interface RunOpts {
  deadline: number;
  input?: string;
  env?: Record<string, string | undefined>;
}

/** Creates a snapshotter for one work tree and side git dir. Nothing runs until the first call. */
export function createSnapshotter(options: SnapshotterOptions): Snapshotter {
  return new SnapshotterImpl(options);
}

class SnapshotterImpl implements Snapshotter {
  readonly gitDir: string;
  readonly workTree: string;
  readonly #o: SnapshotterOptions;
  readonly #git: GitRunnerApi;
  readonly #processes: ProcessTableApi;
  /** Where every leftover removal is journaled first: the given one, else gitmaint's default Journal. */
  readonly #journal: JournalApi;
  readonly #owner: string;
  readonly #timeoutMs: number;
  readonly #policy: RetentionPolicy;
  readonly #flight: Flight<string>;
  #ready: Promise<Repository> | undefined;
  #refs: SnapshotRef[] = [];
  #last: { tree: string; at: number } | undefined;
  #restoring: Promise<void> = Promise.resolve();
  readonly #stats: SnapshotterStats = { runs: 0, written: 0, throttled: 0, joined: 0, failures: 0, lastTree: undefined, lastAt: undefined };

  constructor(o: SnapshotterOptions) {
    this.#o = o;
    this.gitDir = resolve(o.gitDir);
    this.workTree = resolve(o.workTree);
    this.#owner = o.owner ?? "snapshot-throttle";
    this.#processes = o.processes ?? new ProcessTable();
    this.#journal = o.journal ?? new Journal({ dir: stateDir() });
    this.#git = o.git ?? new GitRunner({ owner: this.#owner, processes: this.#processes, ...(o.bus ? { bus: o.bus } : {}) });
    this.#timeoutMs = o.timeoutMs ?? SNAPSHOT_DEFAULTS.timeoutMs;
    this.#policy = { keepCount: o.keepCount ?? SNAPSHOT_DEFAULTS.keepCount, keepMaxAgeMs: o.keepMaxAgeMs ?? SNAPSHOT_DEFAULTS.keepMaxAgeMs };
    this.#flight = new Flight((started) => this.#snapshot(started));
  }

  async track(options: { force?: boolean } = {}): Promise<TrackResult> {
    const last = this.#last;
    const minInterval = this.#o.minIntervalMs ?? SNAPSHOT_DEFAULTS.minIntervalMs;
    if (!options.force && last && Date.now() - last.at < minInterval) {
      this.#stats.throttled++;
      return { tree: last.tree, fresh: false };
    }
    const { promise, joined } = this.#flight.request();
    if (joined) this.#stats.joined++;
    return { tree: await promise, fresh: true };
  }

  async diff(fromTree: string, toTree: string, paths: readonly string[] = []): Promise<SnapshotChange[]> {
    const raw = await this.#rawDiff(fromTree, toTree, paths, Date.now() + this.#timeoutMs);
    return raw.map(({ status, path }) => ({ status, path }));
  }

  async restore(tree: string, paths: readonly string[] = []): Promise<RestoreResult> {
    const deadline = Date.now() + this.#timeoutMs;
    await this.#ready_(deadline);
    const type = await this.#run(["cat-file", "-t", tree], { deadline }).catch(() => undefined);
    if (type?.stdout.trim() !== "tree") throw new SnapshotError(`restore: ${tree} is not a snapshot tree in ${this.gitDir}`);
    const before = (await this.track({ force: true })).tree;
    let release!: () => void;
    const prior = this.#restoring;
    this.#restoring = new Promise<void>((r) => (release = r));
    await prior;
    try {
      const plan = planRestore(await this.#rawDiff(before, tree, paths, deadline));
      const removed = await removePaths(this.workTree, plan.remove);
      if (plan.write.length > 0) await this.#checkout(tree, plan.write, deadline);
      return { before, written: plan.write, removed };
    } catch (error) {
      throw this.#toError(error, "restore");
    } finally {
      release();
    }
  }

  async list(): Promise<SnapshotRef[]> {
    await this.#ready_(Date.now() + this.#timeoutMs);
    return [...this.#refs];
  }

  stats(): SnapshotterStats {
    return { ...this.#stats, lastTree: this.#last?.tree, lastAt: this.#last?.at };
  }

  /** One snapshot run (called by the Flight). */
  async #snapshot(started: () => void): Promise<string> {
    this.#stats.runs++;
    const begun = Date.now();
    const deadline = begun + this.#timeoutMs;
    let repo: Repository | undefined;
    try {
      repo = await this.#ready_(deadline);
      await this.#clearDeadLocks(repo, deadline);
      if (await syncExclude(this.gitDir, this.#o.exclude ?? [])) await this.#dropExcluded(deadline);
      await this.#restoring;
      started();
      const listed = await this.#run(["ls-files", "--others", "--exclude-standard", "-z"], { deadline });
      const split = await splitBySize(this.workTree, splitNul(listed.stdout), this.#o.maxFileBytes ?? SNAPSHOT_DEFAULTS.maxFileBytes);
      if (split.small.length > BULK_ADD_THRESHOLD) {
        await this.#run(["add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul"], { deadline, input: addPathspecs(split.large) });
      } else {
        if (split.small.length > 0) {
          const input = split.small.map((p) => `${p.replace(/\/$/, "")}\0`).join("");
          await this.#run(["update-index", "--add", "--remove", "-z", "--stdin"], { deadline, input });
        }
        await this.#run(["add", "-u"], { deadline });
      }
      const tree = (await this.#run(["write-tree"], { deadline })).stdout.trim();
      if (!/^[0-9a-f]{40,64}$/.test(tree)) throw new SnapshotError(`write-tree printed no tree id: ${JSON.stringify(tree.slice(0, 80))}`);
      await this.#record(tree, Date.now(), deadline);
      this.#last = { tree, at: Date.now() };
      this.#stats.written++;
      return tree;
    } catch (error) {
      this.#stats.failures++;
      if (repo) await this.#cleanupAfter(repo, begun, error);
      throw this.#toError(error, "snapshot");
    }
  }

  #ready_(deadline: number): Promise<Repository> {
    if (!this.#ready) {
      this.#ready = this.#init(deadline);
      this.#ready.catch(() => (this.#ready = undefined));
    }
    return this.#ready;
  }

  async #init(deadline: number): Promise<Repository> {
    if (!existsSync(this.workTree) || !statSync(this.workTree).isDirectory()) {
      throw new SnapshotError(`work tree ${this.workTree} is not a directory`);
    }
    try {
      await ensureSideRepo(this.#git, this.gitDir, Math.max(1, deadline - Date.now()));
    } catch (error) {
      throw this.#toError(error, "init");
    }
    const id = realpathSync(this.gitDir);
    const objectsDir = join(id, "objects");
    const repo: Repository = { id, gitDir: id, commonDir: id, objectsDir, packDir: join(objectsDir, "pack"), workTree: null, bare: true, name: id.split("/").pop() ?? id };
    this.#repo = repo;
    const out = await this.#run(["for-each-ref", "--format=%(refname)%00%(objectname)", SNAPSHOT_REF_PREFIX], { deadline });
    this.#refs = parseSnapshotRefs(out.stdout);
    return repo;
  }

  #repo: Repository | undefined;

  /** Runs git on the side dir and work tree with the side config, within the deadline. */
  #run(args: string[], o: RunOpts): Promise<GitResult> {
    const remaining = o.deadline - Date.now();
    if (remaining <= 0) return Promise.reject(new SnapshotError(`timed out before git ${args[0] ?? ""}`, { timedOut: true }));
    const env: Record<string, string | undefined> = { GIT_WORK_TREE: this.workTree, ...o.env };
    for (const k of CLEARED_ENV) if (!(k in env)) env[k] = undefined;
    return this.#git.run(args, {
      ...(this.#repo ? { repo: this.#repo } : {}),
      cwd: this.workTree,
      env: this.#repo ? env : { ...env, GIT_DIR: this.gitDir },
      config: SIDE_CONFIG,
      timeoutMs: remaining,
      killGraceMs: this.#o.killGraceMs ?? SNAPSHOT_DEFAULTS.killGraceMs,
      owner: this.#owner,
      ...(o.input !== undefined ? { input: o.input } : {}),
    });
  }

  /** A leftover index.lock (or ref lock) is removed once proven dead; a live one is waited for. */
  async #clearDeadLocks(repo: Repository, deadline: number): Promise<void> {
    for (;;) {
      const report = await cleanLeftovers(repo, { processes: this.#processes, journal: this.#journal, owner: this.#owner, locksOnly: true, reason: "lock left by a dead git process blocked a snapshot" });
      const held = report.kept[0];
      if (!held) return;
      if (Date.now() + 100 >= deadline) throw new SnapshotError(`timed out waiting for ${held.path} in ${this.gitDir} (${held.reason})`, { timedOut: true });
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** After `exclude` changed: drop tracked paths that are now excluded from the snapshot index. */
  async #dropExcluded(deadline: number): Promise<void> {
    const out = await this.#run(["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"], { deadline });
    const paths = splitNul(out.stdout);
    if (paths.length === 0) return;
    await this.#run(["update-index", "--force-remove", "-z", "--stdin"], { deadline, input: paths.map((p) => `${p}\0`).join("") });
  }

  async #record(tree: string, at: number, deadline: number): Promise<void> {
    const plan = planRecord(this.#refs, tree, at, this.#policy);
    try {
      await this.#run(["update-ref", "--stdin"], { deadline, input: updateRefInput(plan) });
    } catch {
      // Someone else changed the refs: re-read them and try once more.
      const out = await this.#run(["for-each-ref", "--format=%(refname)%00%(objectname)", SNAPSHOT_REF_PREFIX], { deadline });
      this.#refs = parseSnapshotRefs(out.stdout);
      const again = planRecord(this.#refs, tree, at, this.#policy);
      await this.#run(["update-ref", "--stdin"], { deadline, input: updateRefInput(again) });
      this.#refs = again.after;
      return;
    }
    this.#refs = plan.after;
  }

  async #rawDiff(from: string, to: string, paths: readonly string[], deadline: number): Promise<ReturnType<typeof parseRawDiff>> {
    await this.#ready_(deadline);
    try {
      const out = await this.#run(["diff-tree", "-r", "-z", "--raw", "--no-renames", from, to, "--", ...paths], { deadline });
      return parseRawDiff(out.stdout);
    } catch (error) {
      throw this.#toError(error, "diff");
    }
  }

  /** Writes `paths` of `tree` into the work tree through a private temporary index. */
  async #checkout(tree: string, paths: readonly string[], deadline: number): Promise<void> {
    const index = join(this.gitDir, `gitmaint-restore-${process.pid}-${Date.now()}.index`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.#run(["read-tree", tree], { deadline, env });
      await this.#run(["checkout-index", "-f", "-z", "--stdin"], { deadline, env, input: paths.map((p) => `${p}\0`).join("") });
    } finally {
      await unlink(index).catch(() => {});
      await unlink(`${index}.lock`).catch(() => {});
    }
  }

  async #cleanupAfter(repo: Repository, begun: number, error: unknown): Promise<void> {
    try {
      await cleanLeftovers(repo, {
        processes: this.#processes,
        journal: this.#journal,
        owner: this.#owner,
        since: begun - 2_000,
        reason: `left by a failed snapshot run (${errorMessage(error)})`,
      });
    } catch {
      // best effort: the next run's pre-flight check looks again
    }
  }

  #toError(error: unknown, what: string): SnapshotError {
    if (error instanceof SnapshotError) return error;
    const timedOut = error instanceof GitError && error.timedOut;
    return new SnapshotError(`${what} of ${this.workTree} failed: ${errorMessage(error)}`, { timedOut, cause: error });
  }
}
