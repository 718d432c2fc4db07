/** `gitmaint status`: per repository health, human or JSON lines. */
import type { Engine, RepoStatus } from "@gitmaint/core";
import { parseCommandArgs } from "../cli/args.js";
import { formatBytes, formatDuration } from "../cli/format.js";
import { println, printJson, type Io } from "../cli/io.js";
import { createEngine } from "../cli/setup.js";

export async function statusCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<object>("status", argv, {});
  const engine = await createEngine(values, { watch: false });
  try {
    for (const repo of engine.repos()) {
      const status = await engine.status(repo.id);
      if (values.json) printJson(io, statusJson(status));
      else printHuman(io, status, engine);
    }
  } finally {
    await engine.shutdown();
  }
  return 0;
}

export function statusJson(s: RepoStatus): Record<string, unknown> {
  return {
    repo: s.repo.id,
    name: s.repo.name,
    bare: s.repo.bare,
    packs: s.stats.packs,
    packBytes: s.stats.packBytes,
    looseObjects: s.stats.looseObjects,
    looseExact: s.stats.looseExact,
    tmpFiles: s.stats.tmpFiles,
    tmpBytes: s.stats.tmpBytes,
    tmp: s.tmpFiles.map((t) => ({ path: t.rel, kind: t.kind, bytes: t.bytes, mtime: t.mtimeMs })),
    cruftPacks: s.stats.cruftPacks,
    keptPacks: s.stats.keptPacks,
    locks: s.locks.map((l) => ({ name: l.name, state: l.state, path: l.path, holder: l.holder })),
    gitProcesses: s.gitProcesses.map((p) => ({ pid: p.pid, role: p.role, argv: p.argv, startTime: p.startTime, match: p.match })),
    plugins: s.plugins,
  };
}

function printHuman(io: Io, s: RepoStatus, engine: Engine): void {
  const out = io.stdout;
  println(out, `${s.repo.name}  (${s.repo.commonDir}${s.repo.bare ? ", bare" : ""})`);
  println(out, `  packs          ${s.stats.packs} (${formatBytes(s.stats.packBytes)}), ${s.stats.cruftPacks} cruft, ${s.stats.keptPacks} kept`);
  println(out, `  loose objects  ${s.stats.looseExact ? "" : "~"}${s.stats.looseObjects}`);
  println(out, `  tmp files      ${s.stats.tmpFiles} (${formatBytes(s.stats.tmpBytes)})`);
  const why = keptReasons(s);
  for (const t of s.tmpFiles.slice(0, 20)) {
    println(out, `    ${t.rel}  ${t.kind}, ${formatBytes(t.bytes)}, changed ${formatDuration(Date.now() - t.newestChangeMs)} ago`);
    const reason = why.get(t.rel);
    if (reason) println(out, `      kept: ${reason}`);
  }
  if (s.tmpFiles.length > 20) println(out, `    ... and ${s.tmpFiles.length - 20} more`);
  println(out, `  locks          ${s.locks.length === 0 ? "none" : s.locks.map((l) => `${l.name} (${l.state}${l.holder ? `, pid ${l.holder.pid}` : ""})`).join(", ")}`);
  println(out, `  git processes  ${s.gitProcesses.length === 0 ? "none" : ""}`);
  for (const p of s.gitProcesses) println(out, `    ${p.pid} ${p.role}: ${p.argv.join(" ").slice(0, 100)}`);
  for (const [name, ps] of Object.entries(s.plugins)) println(out, `  ${name}: ${ps.summary}`);
  const disabled = engine.plugins().filter((p) => p.state === "disabled" && p.enabled);
  for (const p of disabled) println(out, `  ! plugin ${p.name} is disabled: ${p.message ?? ""}`);
}

/** Reasons plugins give for keeping a temporary file (`data.kept: [{ path, reason }]`), by path. */
function keptReasons(s: RepoStatus): Map<string, string> {
  const reasons = new Map<string, string>();
  for (const status of Object.values(s.plugins)) {
    const kept = status.data?.kept;
    if (!Array.isArray(kept)) continue;
    for (const k of kept as Array<{ path?: unknown; reason?: unknown }>)
      if (typeof k.path === "string" && typeof k.reason === "string") reasons.set(k.path, k.reason);
  }
  return reasons;
}
