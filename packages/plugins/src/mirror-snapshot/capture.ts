/**
 * Step 1 of an archive: the ref set of the live repository, resolved by git itself into one
 * in-memory list. git reads `packed-refs` through an open descriptor (fstat, then read), and reads
 * loose refs before `packed-refs`, so a concurrent `pack-refs` cannot make it miss a ref; every
 * ref it reports points to an object that existed when the ref was written.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { GitRunnerApi, Repository } from "@gitmaint/core";
import { ArchiveError } from "./errors.js";

export interface CapturedRef {
  oid: string;
  /** Full ref name, e.g. `refs/heads/main`. */
  name: string;
  /** Target ref name for a symbolic ref, "" otherwise. */
  symref: string;
}

export interface Capture {
  refs: CapturedRef[];
  /** `ref: <target>` or a detached object id. */
  head: string;
  objectFormat: string;
  /** The repository's config file, as read (or undefined). */
  config: Buffer | undefined;
  /** The `shallow` file, when the repository is shallow. */
  shallow: Buffer | undefined;
}

export const REF_FORMAT = "%(objectname) %(refname) %(symref)";

export interface GitStep {
  git: GitRunnerApi;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Parses `for-each-ref --format=REF_FORMAT`; refuses output that names broken refs. */
export function parseRefList(stdout: string, stderr: string, where: string): CapturedRef[] {
  const broken = stderr.split("\n").filter((l) => /ignoring (broken ref|ref with broken name)|bad object|unexpected line/i.test(l));
  if (broken.length > 0) throw new ArchiveError("refused", `${where} has broken refs: ${broken[0]!.replace(/^warning: /, "")}${broken.length > 1 ? ` (+${broken.length - 1} more)` : ""}`);
  const refs: CapturedRef[] = [];
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const [oid = "", name = "", symref = ""] = line.split(" ");
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(oid) || !name.startsWith("refs/"))
      throw new ArchiveError("refused", `${where}: unparsable ref line "${line}"`);
    refs.push({ oid, name, symref });
  }
  return refs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Resolves the live repository's refs, HEAD, object format, config and shallow file. */
export async function captureRefs(repo: Repository, step: GitStep): Promise<Capture> {
  const opts = { repo, timeoutMs: step.timeoutMs, signal: step.signal };
  const alternates = await stat(join(repo.objectsDir, "info", "alternates")).catch(() => undefined);
  if (alternates && alternates.size > 0)
    throw new ArchiveError("refused", `${repo.name} borrows objects through objects/info/alternates; run \`git repack -a\` there first`);
  const format = (await step.git.run(["rev-parse", "--show-object-format"], opts)).stdout.trim() || "sha1";
  const listed = await step.git.run(["for-each-ref", `--format=${REF_FORMAT}`], opts);
  const refs = parseRefList(listed.stdout, listed.stderr, repo.name);
  await refuseMissing(refs, repo, step);
  const sym = await step.git.run(["symbolic-ref", "-q", "HEAD"], { ...opts, allowExitCodes: [1] });
  let head = sym.exitCode === 0 && sym.stdout.trim() ? `ref: ${sym.stdout.trim()}` : "";
  if (!head) {
    const detached = await step.git.run(["rev-parse", "-q", "--verify", "HEAD"], { ...opts, allowExitCodes: [1] });
    head = detached.stdout.trim() || "ref: refs/heads/main";
  }
  const config = await readFile(join(repo.commonDir, "config")).catch(() => undefined);
  const shallow = await readFile(join(repo.commonDir, "shallow")).catch(() => undefined);
  return { refs, head, objectFormat: format, config, shallow };
}

/** A source ref whose object is missing is a broken source: refuse it rather than retry. */
async function refuseMissing(refs: readonly CapturedRef[], repo: Repository, step: GitStep): Promise<void> {
  const oids = [...new Set(refs.map((r) => r.oid))];
  if (oids.length === 0) return;
  const checked = await step.git.run(["cat-file", "--batch-check=%(objectname)"], { repo, timeoutMs: step.timeoutMs, signal: step.signal, input: `${oids.join("\n")}\n` });
  const missing = new Set(checked.stdout.split("\n").filter((l) => l.endsWith(" missing")).map((l) => l.split(" ")[0]));
  const broken = refs.filter((r) => missing.has(r.oid));
  if (broken.length > 0)
    throw new ArchiveError("refused", `refused: ${repo.name} has broken refs: ${broken[0]!.name} points to missing object ${broken[0]!.oid}${broken.length > 1 ? ` (+${broken.length - 1} more)` : ""}`);
}
