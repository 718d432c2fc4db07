/**
 * Writing an output pack and putting it in place. pack-objects writes into gitmaint's staging
 * directory (its temporary files are in objects/pack as usual, renamed into the staging directory
 * when done); the pack then moves into objects/pack under its marker `.keep`: the `.keep` first,
 * then `.pack`, `.rev`, and the `.idx` last (a pack is usable once its `.idx` is there). Readers
 * never see a half pack, and a kill at any point leaves either nothing in objects/pack or a
 * complete pack or a marker-kept half pack that `sweepStale` removes.
 */
import { mkdir, rename, rm, rmdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { GitRunnerApi, Repository } from "@gitmaint/core";
import { removeMarker, stagingDirOf, writeMarker, type Owner } from "./markers.js";

export interface WrittenPack {
  hash: string;
  bytes: number;
  /** False when a pack with this hash already existed (same objects): nothing was installed. */
  installed: boolean;
  /** Wall milliseconds of pack-objects and of the install (diagnostics). */
  ms: { packObjects: number; install: number };
}

export interface PackWriteRequest {
  git: GitRunnerApi;
  repo: Repository;
  owner: Owner;
  /** pack-objects arguments before the base name (e.g. `["--stdin-packs"]`). */
  args: string[];
  input: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Runs pack-objects into the staging directory and installs the result under a marker `.keep`. */
export async function writeAndInstall(req: PackWriteRequest): Promise<WrittenPack | undefined> {
  const staging = stagingDirOf(req.repo.objectsDir, req.owner);
  await mkdir(staging, { recursive: true });
  try {
    const t0 = Date.now();
    const result = await req.git.run(["pack-objects", ...req.args, "--window=0", "--non-empty", "-q", join(staging, "pack")], {
      repo: req.repo,
      input: req.input,
      timeoutMs: req.timeoutMs,
      signal: req.signal,
    });
    const hash = result.stdout.trim().split("\n").pop()?.trim() ?? "";
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(hash)) return undefined; // --non-empty: nothing to pack
    const t1 = Date.now();
    const installed = await install(req.repo.packDir, staging, hash, req.owner);
    return { ...installed, ms: { packObjects: t1 - t0, install: Date.now() - t1 } };
  } finally {
    // empty after an install: one rmdir; anything left (a failed run) goes with rm -r
    await rmdir(staging).catch(() => rm(staging, { recursive: true, force: true }).catch(() => {}));
  }
}

async function install(packDir: string, staging: string, hash: string, owner: Owner): Promise<Omit<WrittenPack, "ms">> {
  const base = `pack-${hash}`;
  const [packStat, exists] = await Promise.all([
    stat(join(staging, `${base}.pack`)),
    stat(join(packDir, `${base}.idx`)).then(
      () => true,
      () => false,
    ),
  ]);
  const bytes = packStat.size;
  if (exists) return { hash, bytes, installed: false };
  try {
    await writeMarker(packDir, hash, owner);
  } catch {
    return { hash, bytes, installed: false }; // someone else keeps a pack of that name
  }
  const move = async (ext: string): Promise<string | undefined> => {
    try {
      await rename(join(staging, `${base}.${ext}`), join(packDir, `${base}.${ext}`));
      return ext;
    } catch (error) {
      if (ext === "rev" && (error as NodeJS.ErrnoException).code === "ENOENT") return undefined; // none written
      throw error;
    }
  };
  // .pack and .rev (written only with pack.writeReverseIndex) first, together; the .idx last
  const first = await Promise.allSettled([move("pack"), move("rev")]);
  const moved = first.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
  const failed = first.find((r): r is PromiseRejectedResult => r.status === "rejected");
  try {
    if (failed) throw failed.reason;
    await move("idx");
  } catch (error) {
    // the .idx never arrived: take back exactly what was moved (its objects still exist elsewhere)
    for (const ext of moved) await unlink(join(packDir, `${base}.${ext}`)).catch(() => {});
    await removeMarker(packDir, hash, owner);
    throw error;
  }
  return { hash, bytes, installed: true };
}
