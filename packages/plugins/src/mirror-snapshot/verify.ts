/**
 * Verification of a staged (or extracted) bare repository, before anything is published or
 * restored (invariant 5): every ref parses and resolves to an existing object, the ref set is
 * exactly the captured one, the object graph is connected (`git fsck --connectivity-only`, or a
 * full fsck), and the repository is not empty unless that was asked for.
 */
import { createHash } from "node:crypto";
import { ArchiveError } from "./errors.js";
import { REF_FORMAT, parseRefList, type CapturedRef, type GitStep } from "./capture.js";
import { bareRepoAt } from "./stage.js";

export interface VerifyOptions {
  /** The captured ref list (archive), or only its refsDigest() and count (restore, from the manifest). */
  expected: readonly CapturedRef[] | { digest: string; count: number };
  allowEmpty: boolean;
  depth: "connectivity" | "full";
}

export interface Verified {
  refs: number;
  /** Objects stored (loose + packed, as `git count-objects -v` counts them). */
  objects: number;
}

/** A stable digest of a ref list (the manifest carries it so a restore can compare). */
export function refsDigest(refs: readonly CapturedRef[]): string {
  const hash = createHash("sha256");
  for (const r of refs) hash.update(`${r.oid} ${r.name} ${r.symref}\n`);
  return hash.digest("hex");
}

function describeDiff(expected: readonly CapturedRef[], actual: readonly CapturedRef[]): string {
  const want = new Map(expected.map((r) => [r.name, r]));
  const have = new Map(actual.map((r) => [r.name, r]));
  const missing = [...want.keys()].filter((n) => !have.has(n));
  const extra = [...have.keys()].filter((n) => !want.has(n));
  const changed = [...want.keys()].filter((n) => have.has(n) && (have.get(n)!.oid !== want.get(n)!.oid || have.get(n)!.symref !== want.get(n)!.symref));
  const parts = [
    missing.length ? `${missing.length} missing (${missing[0]})` : "",
    extra.length ? `${extra.length} unexpected (${extra[0]})` : "",
    changed.length ? `${changed.length} changed (${changed[0]})` : "",
  ].filter(Boolean);
  return parts.join(", ");
}

export async function verifyRepository(dir: string, options: VerifyOptions, step: GitStep): Promise<Verified> {
  const opts = { repo: bareRepoAt(dir), timeoutMs: step.timeoutMs, signal: step.signal, cleanupOnFailure: false };
  const fail = (why: string): never => {
    throw new ArchiveError("unverified", `verification failed: ${why}`);
  };
  const run = async (args: string[], input?: string) => {
    try {
      return await step.git.run(args, input === undefined ? opts : { ...opts, input });
    } catch (error) {
      if (step.signal.aborted) throw error;
      return fail(`git ${args[0]}: ${(error as Error).message.split("\n")[0]}`);
    }
  };
  const listed = await run(["for-each-ref", `--format=${REF_FORMAT}`]);
  let refs: CapturedRef[];
  try {
    refs = parseRefList(listed.stdout, listed.stderr, "the copy");
  } catch (error) {
    return fail((error as Error).message);
  }
  if (refs.length === 0 && !options.allowEmpty) fail("no refs (an empty repository is archived only with --allow-empty)");
  const expected = options.expected;
  if ("digest" in expected) {
    if (refs.length !== expected.count || refsDigest(refs) !== expected.digest)
      fail(`refs differ from the manifest (${refs.length} refs, the manifest lists ${expected.count})`);
  } else if (refsDigest(refs) !== refsDigest(expected)) fail(`refs differ from the captured list: ${describeDiff(expected, refs) || "order"}`);
  const oids = [...new Set(refs.map((r) => r.oid))];
  if (oids.length > 0) {
    const checked = await run(["cat-file", "--batch-check=%(objectname) %(objecttype)"], `${oids.join("\n")}\n`);
    const missing = checked.stdout.split("\n").filter((l) => l.endsWith(" missing"));
    if (missing.length > 0) fail(`${missing.length} refs point to missing objects (${missing[0]!.split(" ")[0]})`);
  }
  const fsckArgs = options.depth === "full" ? ["fsck", "--no-dangling", "--no-progress"] : ["fsck", "--connectivity-only", "--no-dangling", "--no-progress"];
  await run(fsckArgs);
  const counted = await run(["count-objects", "-v"]);
  const field = (name: string): number => Number(/^(\S+): (\d+)$/m.exec(counted.stdout.split("\n").find((l) => l.startsWith(`${name}:`)) ?? "")?.[2] ?? 0);
  return { refs: refs.length, objects: field("count") + field("in-pack") };
}
