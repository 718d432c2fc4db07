/**
 * Restore: check the archive's sha256 against its sidecar, list its members (only the manifest
 * and `repo.git/...`, no absolute or `..` paths), extract into `<to>.tmp-<pid>`, run the same
 * verification as at archive time against the manifest, and only then rename the repository
 * into `<to>`. A corrupt archive is refused (exit 1) and nothing is written at `<to>`.
 */
import { execFile } from "node:child_process";
import { readdir, readFile, rename, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { AbortError, UsageError, type GitRunnerApi, type JournalApi, type JournalEntry, type ProcessTableApi } from "@gitmaint/core";
import { cleanStaleStaging } from "./cleanup.js";
import { ArchiveError } from "./errors.js";
import { decodeManifest, MANIFEST_NAME, REPO_DIR } from "./manifest.js";
import { extractTar, readSidecar, sha256File, sidecarOf, syncDir } from "./publish.js";
import { createStaging, removeTree } from "./staging.js";
import { verifyRepository } from "./verify.js";

const execFileAsync = promisify(execFile);
const PLUGIN = "mirror-snapshot";

export interface RestoreServices {
  git: GitRunnerApi;
  processes: ProcessTableApi;
  /** Where restores, refusals and removals are journalled (under the target path). */
  journal?: JournalApi;
}

export interface RestoreRequest {
  archive: string;
  to: string;
  signal: AbortSignal;
  depth?: "connectivity" | "full";
  gitTimeoutMs?: number;
}

export interface RestoreResult {
  restored: string;
  archive: string;
  sha256: string;
  refs: number;
  objects: number;
  verified: true;
}

async function checkPaths(archive: string, to: string): Promise<void> {
  if (!(await stat(archive).catch(() => undefined))?.isFile()) throw new UsageError(`archive: --restore ${archive}: no such file`);
  if (!(await stat(dirname(to)).catch(() => undefined))?.isDirectory()) throw new UsageError(`archive: --to ${to}: no such directory ${dirname(to)}`);
  const existing = await stat(to).catch(() => undefined);
  if (existing && (!existing.isDirectory() || (await readdir(to)).length > 0)) throw new UsageError(`archive: --to ${to} exists and is not an empty directory`);
}

async function checkMembers(archive: string, signal: AbortSignal): Promise<void> {
  let listing: string;
  try {
    listing = (await execFileAsync("tar", ["-tf", archive], { signal, maxBuffer: 512 * 1024 * 1024 })).stdout;
  } catch (error) {
    if (signal.aborted) throw new AbortError("restore aborted");
    const why = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
    throw new ArchiveError("corrupt", `corrupt archive ${archive}: tar cannot read it${why ? ` (${why})` : ""}`);
  }
  for (const name of listing.split("\n").filter(Boolean)) {
    const ok = name === MANIFEST_NAME || name === `${REPO_DIR}/` || name.startsWith(`${REPO_DIR}/`);
    if (!ok || name.split("/").includes("..")) throw new ArchiveError("corrupt", `corrupt archive ${archive}: unexpected member "${name}"`);
  }
  // gitmaint's archives hold only regular files and directories: a link (symbolic or hard) or a
  // device could point the restored repository, or the extraction itself, outside the target.
  const verbose = (await execFileAsync("tar", ["-tvf", archive], { signal, maxBuffer: 512 * 1024 * 1024 })).stdout;
  for (const line of verbose.split("\n").filter(Boolean)) {
    const type = line[0];
    if (type !== "-" && type !== "d") throw new ArchiveError("corrupt", `corrupt archive ${archive}: member is not a regular file or directory: ${line.slice(0, 120)}`);
  }
}

export async function restoreArchive(services: RestoreServices, request: RestoreRequest): Promise<RestoreResult> {
  const archive = resolve(request.archive);
  const to = resolve(request.to);
  await checkPaths(archive, to);
  const append = async (entry: Omit<JournalEntry, "at" | "pid" | "plugin">): Promise<void> => {
    await services.journal?.append({ ...entry, plugin: PLUGIN });
  };
  const record = (entry: Omit<JournalEntry, "at" | "pid" | "plugin" | "repo">) => append({ ...entry, repo: to });
  await cleanStaleStaging({ processes: services.processes, record: append }, to, to);
  let staging: string | undefined;
  try {
    const expected = await readSidecar(archive);
    if (!expected) throw new ArchiveError("corrupt", `refused: no checksum for ${archive} (${sidecarOf(archive)} is missing or unreadable)`);
    const actual = await sha256File(archive);
    if (actual.sha256 !== expected)
      throw new ArchiveError("corrupt", `refused: ${archive} does not match its checksum (sha256 ${actual.sha256.slice(0, 12)}…, expected ${expected.slice(0, 12)}…)`);
    await checkMembers(archive, request.signal);
    staging = await createStaging(to, services.processes);
    try {
      await extractTar(archive, staging, request.signal);
    } catch (error) {
      if (request.signal.aborted) throw new AbortError("restore aborted");
      throw new ArchiveError("corrupt", `refused: ${(error as Error).message}`);
    }
    const manifestText = await readFile(join(staging, MANIFEST_NAME), "utf8").catch(() => undefined);
    if (manifestText === undefined) throw new ArchiveError("corrupt", `refused: ${archive} has no ${MANIFEST_NAME}`);
    const manifest = decodeManifest(manifestText);
    const step = { git: services.git, timeoutMs: request.gitTimeoutMs ?? 10 * 60_000, signal: request.signal };
    const verified = await verifyRepository(
      join(staging, REPO_DIR),
      { expected: { digest: manifest.refsSha256, count: manifest.refs }, allowEmpty: manifest.refs === 0, depth: request.depth ?? "connectivity" },
      step,
    );
    await rename(join(staging, REPO_DIR), to);
    await syncDir(dirname(to));
    await removeTree(staging);
    await record({ op: "note", reason: `restored ${verified.refs} refs from ${archive} (verified)`, details: { archive, sha256: actual.sha256 } });
    return { restored: to, archive, sha256: actual.sha256, refs: verified.refs, objects: verified.objects, verified: true };
  } catch (error) {
    await record({ op: "failure", reason: `restore refused: ${(error as Error).message}`, details: { archive } });
    if (staging && (await removeTree(staging))) await record({ op: "delete", reason: "staging of a refused restore", details: { path: staging } });
    throw error;
  }
}
