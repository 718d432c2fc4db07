/** One human line per bus event for `gitmaint run` (undefined = not shown). */
import type { EventType, GitmaintEvents } from "@gitmaint/core";
import { formatBytes, formatDuration, time } from "./format.js";

export function eventLine<K extends EventType>(
  type: K,
  event: GitmaintEvents[K],
  names: ReadonlyMap<string, string>,
  verbose: boolean,
): string | undefined {
  const e = event as GitmaintEvents[EventType] & { repo?: string };
  const repo = e.repo ? (names.get(e.repo) ?? e.repo) : "";
  const at = time(e.at);
  const tag = (s: string): string => `${at} ${repo ? `${repo} ` : ""}${s}`;
  switch (type) {
    case "action": {
      const a = event as GitmaintEvents["action"];
      return tag(`[${a.plugin}] ${a.dryRun ? "(dry run) " : ""}${a.message}`);
    }
    case "plugin.state": {
      const p = event as GitmaintEvents["plugin.state"];
      return `${at} [${p.plugin}] ${p.state}${p.message ? `: ${p.message}` : ""}`;
    }
    case "log": {
      const l = event as GitmaintEvents["log"];
      if (l.level === "debug" && !verbose) return undefined;
      return `${at} ${l.plugin ? `[${l.plugin}] ` : ""}${l.level}: ${l.message}`;
    }
    case "git.started": {
      const g = event as GitmaintEvents["git.started"];
      return tag(`[${g.owner}] git ${g.argv.join(" ")} (pid ${g.pid})`);
    }
    case "git.finished": {
      const g = event as GitmaintEvents["git.finished"];
      const how = g.ok ? "ok" : g.timedOut ? "timed out" : g.aborted ? "aborted" : g.signal ? `killed by ${g.signal}` : `exit ${g.exitCode}`;
      const cleaned = g.cleaned.length > 0 ? `, removed ${g.cleaned.length} leftovers` : "";
      return tag(`[${g.owner}] git ${g.argv[0] ?? ""} ${how} in ${formatDuration(g.durationMs)}${cleaned}`);
    }
    case "git.progress":
      return undefined;
    case "pack.added": {
      const p = event as GitmaintEvents["pack.added"];
      return tag(`pack added ${p.pack} (${formatBytes(p.bytes)})`);
    }
    case "pack.removed":
      return tag(`pack removed ${(event as GitmaintEvents["pack.removed"]).pack}`);
    case "tmp.seen": {
      const t = event as GitmaintEvents["tmp.seen"];
      return tag(`tmp seen ${t.path.split("/").pop()} (${t.kind}, ${formatBytes(t.bytes)})`);
    }
    case "tmp.gone":
      return tag(`tmp gone ${(event as GitmaintEvents["tmp.gone"]).path.split("/").pop()}`);
    case "process.seen": {
      const p = event as GitmaintEvents["process.seen"];
      return tag(`git process ${p.pid} started: ${p.argv.join(" ")}`);
    }
    case "process.gone":
      return tag(`git process ${(event as GitmaintEvents["process.gone"]).pid} exited`);
    case "repo.stats": {
      if (!verbose) return undefined;
      const s = (event as GitmaintEvents["repo.stats"]).stats;
      return tag(`stats: ${s.packs} packs, ~${s.looseObjects} loose, ${s.tmpFiles} tmp (${formatBytes(s.tmpBytes)})`);
    }
    default:
      return verbose ? tag(type) : undefined;
  }
}
