/**
 * Kills a git child and everything it started. git children run detached (their own process
 * group, pgid = pid), so one `kill(-pgid)` reaches `repack → pack-objects`, `gc → repack →
 * pack-objects`, shell aliases and their background jobs. On top of the group, the tree is
 * recorded from /proc ppid links when the kill starts, which also catches descendants that left
 * the group (setsid/setpgid) while their parent was still alive; ones that left the group AND
 * were re-parented before the kill are out of reach (git itself never does that).
 *
 * Pids are only signalled while we can prove they are ours: the group through the leader while
 * the leader is not yet reaped, other processes only when /proc shows the same start time as
 * when they were recorded (or a start no earlier than the leader's, for late group members).
 */
import { isRunning, readStat, scanProcs, treeOf } from "./proctree.js";

const POLL_MS = 25;

export class TreeKiller {
  readonly pid: number;
  readonly #graceMs: number;
  readonly #leaderTicks: number | undefined;
  /** pid -> start ticks of every process of the tree seen so far (the leader included). */
  readonly #recorded = new Map<number, number>();
  #leaderExited = false;
  #signal: NodeJS.Signals | undefined;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(pid: number, graceMs: number) {
    this.pid = pid;
    this.#graceMs = graceMs;
    this.#leaderTicks = readStat(pid)?.startTicks;
    if (this.#leaderTicks !== undefined) this.#recorded.set(pid, this.#leaderTicks);
  }

  /** True once terminate() was called. */
  get requested(): boolean {
    return this.#signal !== undefined;
  }

  /** Pids of the tree recorded so far (for ignoring the dead run's processes in liveness checks). */
  get pids(): number[] {
    return [...this.#recorded.keys()];
  }

  /** Call when the leader exited (it is reaped: its pid must never be signalled again). */
  leaderExited(): void {
    this.#leaderExited = true;
  }

  /** SIGTERM the tree now, SIGKILL whatever is left after the grace. Idempotent. */
  terminate(): void {
    if (this.#signal !== undefined) return;
    this.#send("SIGTERM");
    this.#graceTimer = setTimeout(() => this.#send("SIGKILL"), this.#graceMs);
  }

  /**
   * After the leader exited: true when members of its group are still running (a failed git
   * whose children live on). One kill(-pgid, 0) in the common case, a /proc scan otherwise.
   */
  hasStragglers(): boolean {
    try {
      process.kill(-this.pid, 0);
    } catch {
      return false;
    }
    return this.#groupMembers().length > 0;
  }

  /**
   * Resolves true once no process of the tree is running (zombies count as dead), false if
   * some survive `limitMs` (a process stuck in uninterruptible I/O). Escalates to SIGKILL at the
   * grace like terminate(), since it only waits for trees that were told to die.
   */
  async waitDead(limitMs: number): Promise<boolean> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      if (this.#alive().length === 0) {
        const late = this.#groupMembers().filter((p) => !this.#recorded.has(p.pid));
        if (late.length === 0) return true;
        for (const p of late) this.#recorded.set(p.pid, p.startTicks);
        this.#signalRecorded(this.#signal ?? "SIGTERM");
      }
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** Clears the SIGKILL timer. */
  dispose(): void {
    if (this.#graceTimer) clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
  }

  #send(signal: NodeJS.Signals): void {
    this.#signal = signal;
    const procs = scanProcs();
    for (const p of treeOf(this.pid, this.pid, procs)) {
      if (p.pid === this.pid && this.#leaderExited) continue;
      if (this.#mayBeOurs(p.pid, p.startTicks) || (p.pgrp === this.pid && this.#lateMember(p.startTicks))) {
        this.#recorded.set(p.pid, p.startTicks);
      }
    }
    if (!this.#leaderExited) {
      try {
        process.kill(-this.pid, signal);
      } catch {
        // group already gone
      }
    }
    this.#signalRecorded(signal);
  }

  #signalRecorded(signal: NodeJS.Signals): void {
    for (const [pid, ticks] of this.#recorded) {
      if (pid === this.pid && this.#leaderExited) continue;
      if (!isRunning(pid, ticks)) continue;
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
  }

  /** A process found by ppid links while the leader is alive is ours if it started after it. */
  #mayBeOurs(pid: number, ticks: number): boolean {
    const known = this.#recorded.get(pid);
    if (known !== undefined) return known === ticks;
    return this.#lateMember(ticks);
  }

  #lateMember(ticks: number): boolean {
    return this.#leaderTicks === undefined || ticks >= this.#leaderTicks;
  }

  #alive(): number[] {
    const out: number[] = [];
    for (const [pid, ticks] of this.#recorded) {
      if (pid === this.pid && this.#leaderExited) continue;
      if (isRunning(pid, ticks)) out.push(pid);
    }
    return out;
  }

  #groupMembers(): { pid: number; startTicks: number }[] {
    return scanProcs().filter(
      (p) =>
        p.pgrp === this.pid &&
        p.state !== "Z" &&
        p.state !== "X" &&
        this.#lateMember(p.startTicks) &&
        // once reaped, the leader's pid may belong to someone else
        !(p.pid === this.pid && this.#leaderExited),
    );
  }
}
