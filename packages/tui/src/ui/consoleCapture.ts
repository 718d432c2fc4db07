/**
 * While the TUI owns the terminal, `console.*` (from any plugin, ours or third-party) and
 * writes to a terminal stderr must not scribble over the screen: they become `log` events
 * (shown in the Activity stream, mirrored to the log file). `restore()` puts everything back.
 */
import { format } from "node:util";
import type { BusLike, LogLevel } from "@gitmaint/core";

type ConsoleMethod = "log" | "info" | "warn" | "error" | "debug" | "trace";
const LEVELS: Record<ConsoleMethod, LogLevel> = { log: "info", info: "info", warn: "warn", error: "error", debug: "debug", trace: "debug" };

/** Redirects console methods (and `stderr.write` when given) to `log` events; returns the restore function. */
export function captureConsole(bus: BusLike, stderr?: NodeJS.WriteStream): () => void {
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  let inside = false;
  const emit = (level: LogLevel, message: string): void => {
    if (inside) return; // a handler that logs while handling a log must not loop
    inside = true;
    try {
      const text = message.replace(/\s+$/, "");
      if (text) bus.emit("log", { at: Date.now(), level, message: text });
    } finally {
      inside = false;
    }
  };
  for (const method of Object.keys(LEVELS) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    console[method] = (...args: unknown[]) => emit(LEVELS[method], format(...args));
  }
  let restoreStderr = (): void => {};
  if (stderr) {
    const original = stderr.write;
    stderr.write = function (chunk: unknown, ...rest: unknown[]): boolean {
      emit("warn", typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk));
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    } as typeof stderr.write;
    restoreStderr = () => {
      stderr.write = original;
    };
  }
  return () => {
    for (const [method, fn] of saved) console[method] = fn;
    restoreStderr();
  };
}
