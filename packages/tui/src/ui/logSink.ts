/**
 * Mirrors `log` and `action` events (every level, debug included) to a log file, one line each,
 * so nothing a plugin says is lost even though the terminal only shows the Activity stream.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { BusLike } from "@gitmaint/core";

/** One log-file line: ISO time, level or action kind, plugin, repo, message. */
export function logLine(at: number, level: string, plugin: string | undefined, repo: string | undefined, message: string): string {
  return `${new Date(at).toISOString()} ${level.padEnd(5)} ${plugin ?? "-"} ${repo ?? "-"} ${message.replace(/\n/g, "\\n")}\n`;
}

export interface LogSink {
  /** Writes a raw line (console output captured while the TUI runs). */
  write(level: string, message: string): void;
  /** Unsubscribes and closes the file. */
  close(): Promise<void>;
}

/** Opens `path` for appending and subscribes it to the Bus. */
export function openLogSink(bus: BusLike, path: string): LogSink {
  const stream: WriteStream = createWriteStream(path, { flags: "a" });
  stream.on("error", () => {
    // a broken log file must never break the TUI
  });
  const offLog = bus.on("log", (e) => void stream.write(logLine(e.at, e.level, e.plugin, e.repo, e.message)));
  const offAction = bus.on("action", (e) =>
    void stream.write(logLine(e.at, e.dryRun ? "dry" : e.kind, e.plugin, e.repo, `${e.message}${e.paths?.length ? ` [${e.paths.join(", ")}]` : ""}`)),
  );
  return {
    write(level, message) {
      stream.write(logLine(Date.now(), level, undefined, undefined, message));
    },
    close() {
      offLog();
      offAction();
      return new Promise((resolve) => stream.end(() => resolve()));
    },
  };
}
