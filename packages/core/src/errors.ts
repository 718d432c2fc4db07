/**
 * Error classes of gitmaint. User-facing errors carry an exit code and print as one line
 * (no stack): UsageError/ConfigError exit 2, work failures exit 1. Anything else is a bug.
 */
export class GitmaintError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(message: string, code: string, exitCode: number, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad command-line usage or a bad path given by the user. Exit code 2. */
export class UsageError extends GitmaintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "E_USAGE", 2, options);
  }
}

/** Invalid configuration file or plugin options. Exit code 2. Message names the file and key. */
export class ConfigError extends GitmaintError {
  readonly file: string | undefined;
  readonly key: string | undefined;
  constructor(message: string, details: { file?: string; key?: string } = {}, options?: ErrorOptions) {
    super(message, "E_CONFIG", 2, options);
    this.file = details.file;
    this.key = details.key;
  }
}

/** A path that is not a git repository. Exit code 2 (user input). */
export class RepoError extends GitmaintError {
  readonly path: string;
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(message, "E_REPO", 2, options);
    this.path = path;
  }
}

/** A plugin failed to load, declared the wrong apiVersion, or its options are invalid. Exit 2. */
export class PluginError extends GitmaintError {
  readonly plugin: string;
  constructor(plugin: string, message: string, options?: ErrorOptions) {
    super(`plugin ${plugin}: ${message}`, "E_PLUGIN", 2, options);
    this.plugin = plugin;
  }
}

/** The git binary is missing or too old for a required feature. Exit 1. */
export class GitVersionError extends GitmaintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "E_GIT_VERSION", 1, options);
  }
}

/** A lock could not be taken (held by a live holder). Exit 1. */
export class LockBusyError extends GitmaintError {
  readonly lock: string;
  readonly holder: string;
  constructor(lock: string, holder: string, options?: ErrorOptions) {
    super(`lock ${lock} is held by ${holder}`, "E_LOCK_BUSY", 1, options);
    this.lock = lock;
    this.holder = holder;
  }
}

/** Work was aborted through an AbortSignal. */
export class AbortError extends GitmaintError {
  constructor(message = "aborted", options?: ErrorOptions) {
    super(message, "E_ABORTED", 1, options);
  }
}

/** A call into a plugin exceeded its time limit. */
export class TimeoutError extends GitmaintError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "E_TIMEOUT", 1, options);
  }
}

/**
 * A git command failed: non-zero exit, killed by a signal, timed out or aborted.
 * Keeps argv, exit code, signal and the tail of stderr.
 */
export class GitError extends GitmaintError {
  readonly argv: readonly string[];
  /** git's own exit code (the process exit code of gitmaint is `exitCode`, always 1). */
  readonly gitExitCode: number | undefined;
  readonly signal: string | undefined;
  readonly stderrTail: string;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  constructor(details: {
    argv: readonly string[];
    exitCode?: number | undefined;
    signal?: string | undefined;
    stderr?: string;
    timedOut?: boolean;
    aborted?: boolean;
    cause?: unknown;
  }) {
    const tail = tailLines(details.stderr ?? "", 5);
    const what = details.timedOut
      ? "timed out"
      : details.aborted
        ? "was aborted"
        : details.signal
          ? `was killed by ${details.signal}`
          : `exited with code ${details.exitCode ?? "?"}`;
    const firstErr = tail.split("\n").filter(Boolean).pop();
    super(`git ${details.argv.join(" ")} ${what}${firstErr ? `: ${firstErr}` : ""}`, "E_GIT", 1, {
      cause: details.cause,
    });
    this.argv = details.argv;
    this.gitExitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = tail;
    this.timedOut = details.timedOut ?? false;
    this.aborted = details.aborted ?? false;
  }
}

export function tailLines(text: string, n: number): string {
  const lines = text.replace(/\r/g, "\n").split("\n").filter((l) => l.trim() !== "");
  return lines.slice(-n).join("\n");
}

/** The exit code an error maps to: its own for GitmaintError, 1 otherwise. */
export function exitCodeOf(error: unknown): number {
  return error instanceof GitmaintError ? error.exitCode : 1;
}

/** True for errors the user caused (print one line, no stack). */
export function isUserError(error: unknown): error is GitmaintError {
  return error instanceof GitmaintError && error.exitCode === 2;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
