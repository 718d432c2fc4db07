/**
 * Stops one process, identified by pid AND start time: the identity is checked again right
 * before every signal, so a recycled pid is never signalled. SIGTERM first (plus SIGCONT when it
 * is stopped, so it can act on it), SIGKILL after the grace. Only that pid: never a group.
 */
import type { ProcessTableApi } from "@gitmaint/core";

export interface KillTarget {
  pid: number;
  startTicks: number;
  /** State letter from the scan (T = stopped). */
  state: string;
}

export interface KillOutcome {
  /** "SIGTERM" or "SIGKILL": the signal that ended it; undefined if it was already gone (or the pid was reused). */
  signal: "SIGTERM" | "SIGKILL" | undefined;
  /** False when it survived SIGKILL too (e.g. uninterruptible sleep) — reported, not retried. */
  dead: boolean;
}

type Procs = Pick<ProcessTableApi, "isAlive" | "startTicksOf">;

function same(procs: Procs, t: KillTarget): boolean {
  return procs.isAlive(t.pid) && procs.startTicksOf(t.pid) === t.startTicks;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}

async function waitGone(procs: Procs, t: KillTarget, ms: number, signalAbort?: AbortSignal): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (!same(procs, t)) return true;
    if (Date.now() >= deadline || signalAbort?.aborted) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL; each only while pid + start time still match. */
export async function killVerified(procs: Procs, t: KillTarget, graceMs: number, abort?: AbortSignal): Promise<KillOutcome> {
  if (!same(procs, t)) return { signal: undefined, dead: true };
  signal(t.pid, "SIGTERM");
  if (t.state === "T" && same(procs, t)) signal(t.pid, "SIGCONT");
  if (await waitGone(procs, t, graceMs, abort)) return { signal: "SIGTERM", dead: true };
  if (!same(procs, t)) return { signal: "SIGTERM", dead: true };
  signal(t.pid, "SIGKILL");
  const dead = await waitGone(procs, t, 5_000);
  return { signal: "SIGKILL", dead };
}
