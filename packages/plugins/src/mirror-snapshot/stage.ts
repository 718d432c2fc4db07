/**
 * Builds the staged bare repository from a capture: `git init --bare` with the source's object
 * format, the source config (made bare), HEAD, a generated `packed-refs` (symbolic refs as loose
 * files), the shallow file, then the objects. Nothing here touches the source's refs again.
 */
import { mkdir, readdir, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Repository } from "@gitmaint/core";
import type { Capture, CapturedRef, GitStep } from "./capture.js";
import { copyObjects, type CopyStats } from "./objects.js";

/** A Repository value for a bare repository we built (staged or extracted). */
export function bareRepoAt(dir: string): Repository {
  const objectsDir = join(dir, "objects");
  return { id: dir, gitDir: dir, commonDir: dir, objectsDir, packDir: join(objectsDir, "pack"), workTree: null, bare: true, name: dir.split("/").pop() ?? dir };
}

/**
 * The `packed-refs` text for the non-symbolic refs. No header: without the `sorted`/`peeled`
 * traits git sorts the lines itself and peels tags on demand.
 */
export function packedRefsText(refs: readonly CapturedRef[]): string {
  return refs
    .filter((r) => !r.symref)
    .map((r) => `${r.oid} ${r.name}\n`)
    .join("");
}

export async function stageRepository(source: Repository, capture: Capture, dir: string, step: GitStep): Promise<CopyStats> {
  const opts = { timeoutMs: step.timeoutMs, signal: step.signal };
  await step.git.run(["init", "-q", "--bare", "--template=", `--object-format=${capture.objectFormat}`, dir], { ...opts, cwd: dirname(dir) });
  const staged = bareRepoAt(dir);
  if (capture.config) {
    await writeFile(join(dir, "config"), capture.config);
    await step.git.run(["config", "--file", join(dir, "config"), "core.bare", "true"], { ...opts, cwd: dir });
    await step.git.run(["config", "--file", join(dir, "config"), "--unset-all", "core.worktree"], { ...opts, cwd: dir, allowExitCodes: [5] });
  }
  await writeFile(join(dir, "HEAD"), `${capture.head}\n`);
  await writeFile(join(dir, "packed-refs"), packedRefsText(capture.refs));
  for (const ref of capture.refs.filter((r) => r.symref)) {
    await mkdir(dirname(join(dir, ref.name)), { recursive: true });
    await writeFile(join(dir, ref.name), `ref: ${ref.symref}\n`);
  }
  if (capture.shallow) await writeFile(join(dir, "shallow"), capture.shallow);
  await mkdir(join(dir, "refs", "heads"), { recursive: true });
  await mkdir(join(dir, "refs", "tags"), { recursive: true });
  return copyObjects(source.objectsDir, staged.objectsDir, step.signal);
}

/** Test hook: removes one pack (its .pack) from a staged copy. */
export async function deleteOnePack(dir: string): Promise<string | undefined> {
  const packDir = join(dir, "objects", "pack");
  const pack = (await readdir(packDir)).find((n) => n.endsWith(".pack"));
  if (pack) await unlink(join(packDir, pack));
  return pack;
}
