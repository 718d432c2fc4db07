/**
 * `gitmaint archive`: a consistent, verified archive of one live repository (mirror-snapshot), or
 * `--restore FILE --to DIR`: a verified restore. Exit 0 ok, 1 refused/failed (nothing published,
 * nothing written at DIR), 2 bad arguments.
 */
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Engine, UsageError } from "@gitmaint/core";
import { parseCommandArgs } from "../cli/args.js";
import { parseDuration } from "../cli/duration.js";
import { formatBytes } from "../cli/format.js";
import { println, printJson, type Io } from "../cli/io.js";
import { readConfig, repoPaths } from "../cli/setup.js";
import { runPluginCommand } from "./plugin-run.js";

interface ArchiveValues {
  out?: string;
  restore?: string;
  to?: string;
  "allow-empty"?: boolean;
  wait?: string;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

export async function archiveCommand(argv: string[], io: Io): Promise<number> {
  const values = parseCommandArgs<ArchiveValues>("archive", argv, {
    out: { type: "string" },
    restore: { type: "string" },
    to: { type: "string" },
    "allow-empty": { type: "boolean" },
    wait: { type: "string" },
  });
  if (values.restore !== undefined) return restoreCommand(values, io);
  if (values.to !== undefined) throw new UsageError("archive: --to goes with --restore FILE (see gitmaint archive --help)");
  if (!values.out) throw new UsageError("archive: --out FILE is required (see gitmaint archive --help)");
  const out = resolve(values.out);
  if (!(await isDir(dirname(out)))) throw new UsageError(`archive: --out ${values.out}: no such directory ${dirname(out)}`);
  if (await isDir(out)) throw new UsageError(`archive: --out ${values.out} is a directory`);
  const repos = repoPaths(values, await readConfig(values));
  if (repos.length !== 1) throw new UsageError(`archive: one repository per archive (got ${repos.length}); pass --repo PATH`);
  const args: Record<string, unknown> = { out, allowEmpty: values["allow-empty"] ?? false };
  if (values.wait !== undefined) args.waitMs = parseDuration(values.wait, "--wait");
  return runPluginCommand(io, {
    plugin: "mirror-snapshot",
    values,
    dryRun: false,
    args,
    details: (data) => {
      const d = (data ?? {}) as { sha256?: string; bytes?: number };
      return d.sha256 ? [`sha256 ${d.sha256} (${formatBytes(d.bytes ?? 0)})`] : [];
    },
  });
}

async function restoreCommand(values: ArchiveValues & { repo?: string[]; json?: boolean }, io: Io): Promise<number> {
  if (!values.to) throw new UsageError("archive: --restore needs --to DIR (see gitmaint archive --help)");
  if (values.out !== undefined) throw new UsageError("archive: --out and --restore cannot be combined");
  if (values.repo?.length) throw new UsageError("archive: --restore takes no --repo (the archive is the source)");
  const { restoreArchive } = await import("@gitmaint/plugins");
  const engine = await Engine.create({ repos: [], plugins: [], watch: false });
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const result = await restoreArchive(
      { git: engine.git, processes: engine.processes, journal: engine.journal },
      { archive: values.restore!, to: values.to, signal: controller.signal },
    );
    if (values.json) printJson(io, result);
    else println(io.stdout, `restored ${result.refs} refs, ${result.objects} objects into ${result.restored} (verified, sha256 ${result.sha256.slice(0, 12)})`);
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await engine.shutdown();
  }
}
