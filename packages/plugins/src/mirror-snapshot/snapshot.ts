/**
 * One archive of a live repository: under its `fetch` and `maintenance` locks, capture the refs,
 * then the objects, into a staged bare repository beside the output; verify the staged copy
 * (retrying the whole capture if it fails); write the tar, fsync, rename it to `<out>`, write
 * `<out>.sha256`. A snapshot that fails verification is never published: its staging is removed
 * and journalled, and the run fails with the reason.
 */
import { open, stat } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LockBusyError, UsageError, type LockHandle, type PluginContext, type Repository } from "@gitmaint/core";
import { captureRefs, type Capture, type GitStep } from "./capture.js";
import { ArchiveError } from "./errors.js";
import { encodeManifest, MANIFEST_FORMAT, MANIFEST_NAME, REPO_DIR } from "./manifest.js";
import type { CopyStats } from "./objects.js";
import type { MirrorSnapshotOptions } from "./options.js";
import { publishFile, writeSidecar } from "./publish.js";
import { cleanStaleStaging } from "./cleanup.js";
import { deleteOnePack, stageRepository } from "./stage.js";
import { createStaging, removeTree } from "./staging.js";
import { writeTar } from "./tar-writer.js";
import { refsDigest, verifyRepository, type Verified } from "./verify.js";

export type SnapshotContext = Pick<
  PluginContext<MirrorSnapshotOptions>,
  "name" | "options" | "git" | "locks" | "processes" | "logger" | "record" | "action"
>;

export interface SnapshotRequest {
  /** The archive file to publish. */
  out: string;
  allowEmpty: boolean;
  /** Overrides options.waitMs. */
  waitMs?: number;
  signal: AbortSignal;
}

/** What `gitmaint archive --json` prints. */
export interface SnapshotResult {
  archive: string;
  bytes: number;
  refs: number;
  objects: number;
  sha256: string;
  verified: true;
  attempts: number;
  durationMs: number;
  copy: CopyStats;
}

const inFlight = new Set<string>();

async function checkOut(out: string, repo: Repository): Promise<void> {
  const parent = await stat(dirname(out)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new UsageError(`archive: --out ${out}: no such directory ${dirname(out)}`);
  if ((await stat(out).catch(() => undefined))?.isDirectory()) throw new UsageError(`archive: --out ${out} is a directory`);
  const rel = relative(repo.commonDir, out);
  if (!rel.startsWith("..") && !rel.startsWith("/")) throw new UsageError(`archive: --out ${out} is inside the repository being archived`);
}

async function takeLocks(ctx: SnapshotContext, repo: Repository, waitMs: number, signal: AbortSignal): Promise<LockHandle[]> {
  const held: LockHandle[] = [];
  try {
    for (const name of ["fetch", "maintenance"]) held.push(await ctx.locks.acquire(repo, name, { owner: ctx.name, waitMs, signal }));
    return held;
  } catch (error) {
    for (const h of held.reverse()) await h.release();
    if (error instanceof LockBusyError)
      throw new ArchiveError("skipped", `skipped: ${repo.name} is busy (${error.message}); nothing was archived — retry later or wait with --wait`);
    throw error;
  }
}

interface Staged {
  capture: Capture;
  copy: CopyStats;
  verified: Verified;
  attempts: number;
}

/** Capture + stage + verify, retried while the copy fails verification. */
async function stageVerified(ctx: SnapshotContext, repo: Repository, repoDir: string, allowEmpty: boolean, step: GitStep): Promise<Staged> {
  for (let attempt = 1; ; attempt++) {
    await removeTree(repoDir);
    const capture = await captureRefs(repo, step);
    if (capture.refs.length === 0 && !allowEmpty)
      throw new ArchiveError("refused", `refused: ${repo.name} has no refs (an empty repository is archived only with --allow-empty)`);
    const copy = await stageRepository(repo, capture, repoDir, step);
    const hooks = ctx.options.testHooks;
    if (hooks?.deleteStagedPack) await deleteOnePack(repoDir);
    if (hooks?.pauseAfterStageMs) await sleep(hooks.pauseAfterStageMs, undefined, { signal: step.signal });
    try {
      const verified = await verifyRepository(repoDir, { expected: capture.refs, allowEmpty, depth: ctx.options.verify }, step);
      return { capture, copy, verified, attempts: attempt };
    } catch (error) {
      if (!(error instanceof ArchiveError) || error.failure !== "unverified" || attempt >= ctx.options.attempts) throw error;
      ctx.logger.warn(`${repo.name}: attempt ${attempt} of ${ctx.options.attempts}: ${error.message}; capturing again`);
    }
  }
}

export async function takeSnapshot(ctx: SnapshotContext, repo: Repository, request: SnapshotRequest): Promise<SnapshotResult> {
  const started = Date.now();
  const out = resolve(request.out);
  await checkOut(out, repo);
  if (inFlight.has(out)) throw new ArchiveError("skipped", `skipped: an archive to ${out} is already being written by this process`);
  inFlight.add(out);
  try {
    await cleanStaleStaging(ctx, repo.id, out);
    const step: GitStep = { git: ctx.git, timeoutMs: ctx.options.gitTimeoutMs, signal: request.signal };
    const locks = await takeLocks(ctx, repo, request.waitMs ?? ctx.options.waitMs, request.signal);
    let staging: string | undefined;
    try {
      staging = await createStaging(out, ctx.processes);
      const repoDir = join(staging, REPO_DIR);
      let staged: Staged;
      try {
        staged = await stageVerified(ctx, repo, repoDir, request.allowEmpty, step);
      } finally {
        // The staged copy is independent of the source from here on (its files are immutable links).
        for (const h of [...locks].reverse()) await h.release();
      }
      const manifest = encodeManifest({
        format: MANIFEST_FORMAT,
        source: repo.id,
        createdAt: new Date().toISOString(),
        objectFormat: staged.capture.objectFormat,
        head: staged.capture.head,
        refs: staged.verified.refs,
        refsSha256: refsDigest(staged.capture.refs),
        objects: staged.verified.objects,
      });
      const tmpTar = join(staging, "archive.tar");
      const fh = await open(tmpTar, "wx", 0o644);
      let tar;
      try {
        tar = await writeTar(fh, { dir: repoDir, prefix: REPO_DIR, extra: { [MANIFEST_NAME]: manifest } });
      } finally {
        await fh.close();
      }
      await publishFile(tmpTar, out);
      await writeSidecar(out, tar.sha256);
      await removeTree(staging);
      const result: SnapshotResult = {
        archive: out,
        bytes: tar.bytes,
        refs: staged.verified.refs,
        objects: staged.verified.objects,
        sha256: tar.sha256,
        verified: true,
        attempts: staged.attempts,
        durationMs: Date.now() - started,
        copy: staged.copy,
      };
      await ctx.record({
        repo: repo.id,
        op: "snapshot",
        bytes: tar.bytes,
        reason: `archived ${result.refs} refs, ${result.objects} objects to ${out} (verified)`,
        details: { published: true, archive: out, sha256: tar.sha256, refs: result.refs, objects: result.objects, attempts: result.attempts, stagingRemoved: staging },
      });
      ctx.action(repo.id, { kind: "snapshotted", message: `archived ${result.refs} refs to ${out}`, bytes: tar.bytes, paths: [out], details: { sha256: tar.sha256 } });
      return result;
    } catch (error) {
      for (const h of locks) await h.release();
      if (error instanceof ArchiveError && error.failure === "skipped") throw error;
      const reason = (error as Error).message;
      await ctx.record({ repo: repo.id, op: "snapshot", reason: `not published: ${reason}`, details: { published: false, archive: out } });
      if (staging && (await removeTree(staging)))
        await ctx.record({ repo: repo.id, op: "delete", reason: "staging of an archive that was not published", details: { path: staging } });
      throw error;
    }
  } finally {
    inFlight.delete(out);
  }
}
