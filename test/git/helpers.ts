/** Helpers for the GitRunner tests: /proc inspection of process trees. */
import { readFileSync, readdirSync } from "node:fs";

interface Stat {
  pid: number;
  ppid: number;
  state: string;
  comm: string;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    const f = text.slice(close + 2).split(" ");
    return { pid, ppid: Number(f[1]), state: f[0] ?? "?", comm: text.slice(open + 1, close) };
  } catch {
    return undefined;
  }
}

/** True when /proc/<pid> is gone or the process is a zombie (it has exited). */
export function isDead(pid: number): boolean {
  const s = stat(pid);
  return s === undefined || s.state === "Z" || s.state === "X";
}

/** Live descendants of `pid` (by ppid links), with their comm. */
export function descendants(pid: number): Stat[] {
  const all: Stat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s && s.state !== "Z") all.push(s);
  }
  const out: Stat[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop() as number;
    for (const s of all) {
      if (s.ppid === p) {
        out.push(s);
        queue.push(s.pid);
      }
    }
  }
  return out;
}

/** Number of open descriptors of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}
