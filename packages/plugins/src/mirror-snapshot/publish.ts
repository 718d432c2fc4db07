/**
 * Publishing and reading archive files: rename into place + fsync of the directory, the
 * `<archive>.sha256` sidecar (sha256sum format, so `sha256sum -c` checks it too), hashing a file,
 * and extracting a tar with the system `tar` into a staging directory.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** fsync a directory so a rename in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Renames a finished, fsynced file into its final place (atomic on one filesystem). */
export async function publishFile(tmp: string, dest: string): Promise<void> {
  await rename(tmp, dest);
  await syncDir(dirname(dest));
}

/** `<archive>.sha256` */
export function sidecarOf(archive: string): string {
  return `${archive}.sha256`;
}

/** Writes the sidecar atomically (tmp, fsync, rename). */
export async function writeSidecar(archive: string, sha256: string): Promise<void> {
  const dest = sidecarOf(archive);
  const tmp = `${dest}.tmp-${process.pid}`;
  const fh = await open(tmp, "w", 0o644);
  try {
    await fh.writeFile(`${sha256}  ${basename(archive)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await publishFile(tmp, dest);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
}

/** The checksum a sidecar records, or undefined when there is none (or it is unreadable). */
export async function readSidecar(archive: string): Promise<string | undefined> {
  const text = await readFile(sidecarOf(archive), "utf8").catch(() => undefined);
  return /^([0-9a-f]{64})\s/.exec(text ?? "")?.[1];
}

export async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

/** Extracts `archive` into `dir` with the system tar (no owners, no absolute or `..` paths). */
export async function extractTar(archive: string, dir: string, signal: AbortSignal): Promise<void> {
  try {
    await execFileAsync("tar", ["-xf", archive, "-C", dir, "--no-same-owner", "--no-same-permissions"], { signal, maxBuffer: 1 << 20 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
    throw new Error(`tar could not read ${archive}${stderr ? `: ${stderr}` : ""}`, { cause: error });
  }
}
