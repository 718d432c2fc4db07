/**
 * Pure text helpers for the TUI: sizes, durations, fixed-width cells, sparklines and progress
 * bars. Everything here returns plain strings of a known display width (ASCII plus the block
 * characters below, all one column wide), so a row never wraps.
 */

const UNITS = ["B", "K", "M", "G", "T"] as const;

/** Compact byte size: `512B`, `1.2M`, `37G`. */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "?";
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 10 ? 0 : 1;
  return `${v.toFixed(digits)}${UNITS[u]}`;
}

/** Compact duration: `0s`, `42s`, `3m05s`, `2h07m`, `3d04h`. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, "0")}m`;
  const d = Math.floor(h / 24);
  return `${d}d${String(h % 24).padStart(2, "0")}h`;
}

/** `3m ago`, `just now`, or `never` for undefined. */
export function ago(at: number | undefined, now: number): string {
  if (at === undefined) return "never";
  const ms = now - at;
  if (ms < 1000) return "just now";
  const text = duration(ms);
  // keep only the leading unit for readability: 3m05s -> 3m
  const m = /^(\d+[smhd])/.exec(text);
  return `${m ? m[1] : text} ago`;
}

/** `in 42s`, `due`, or `-` for undefined. */
export function until(at: number | undefined, now: number): string {
  if (at === undefined) return "-";
  const ms = at - now;
  if (ms <= 0) return "due";
  const text = duration(Math.ceil(ms / 1000) * 1000);
  const m = /^(\d+[smhd])/.exec(text);
  return `in ${m ? m[1] : text}`;
}

/** Wall-clock `HH:MM:SS` in local time. */
export function clock(at: number): string {
  const d = new Date(at);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Makes control characters and tabs harmless (a plugin message must never move the cursor). */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/** Exactly `width` columns: truncated with `…` or padded on the right. */
export function cell(text: string, width: number): string {
  if (width <= 0) return "";
  const t = sanitize(text);
  if (t.length > width) return width === 1 ? "…" : `${t.slice(0, width - 1)}…`;
  return t.padEnd(width);
}

/** Exactly `width` columns, right-aligned (numbers). */
export function rcell(text: string, width: number): string {
  if (width <= 0) return "";
  const t = sanitize(text);
  if (t.length > width) return width === 1 ? "…" : `${t.slice(0, width - 1)}…`;
  return t.padStart(width);
}

/** At most `width` columns (no padding). */
export function clip(text: string, width: number): string {
  const t = sanitize(text);
  if (t.length <= width) return t;
  return width <= 0 ? "" : `${t.slice(0, width - 1)}…`;
}

const SPARK = "▁▂▃▄▅▆▇█";

/** A sparkline of the last `width` values, scaled between their min and max. */
export function sparkline(values: readonly number[], width: number): string {
  const tail = values.slice(-width);
  if (tail.length === 0) return "".padEnd(width);
  const min = Math.min(...tail);
  const max = Math.max(...tail);
  const span = max - min;
  const chars = tail.map((v) => {
    const i = span === 0 ? 0 : Math.round(((v - min) / span) * (SPARK.length - 1));
    return SPARK[i] ?? SPARK[0];
  });
  return chars.join("").padEnd(width);
}

/** A progress bar of exactly `width` columns, e.g. `█████░░░░░`; undefined percent is `·` filled. */
export function progressBar(percent: number | undefined, width: number): string {
  if (width <= 0) return "";
  if (percent === undefined || !Number.isFinite(percent)) return "·".repeat(width);
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * width);
  return "█".repeat(full) + "░".repeat(width - full);
}

/** A git argv for display: drops the leading `git` and `-c k=v` pairs. */
export function shortArgv(argv: readonly string[]): string {
  const out: string[] = [];
  let i = argv[0] === "git" || argv[0]?.endsWith("/git") ? 1 : 0;
  for (; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "-c" && out.length === 0) {
      i++;
      continue;
    }
    out.push(a);
  }
  return out.join(" ");
}

/** A number with thousands separators (`12,345`), or `~12k` style when `approx`. */
export function count(n: number, approx = false): string {
  const prefix = approx ? "~" : "";
  if (n >= 100_000) return `${prefix}${Math.round(n / 1000)}k`;
  return `${prefix}${n}`;
}

/** Word-wraps one line to `width` columns; continuation lines keep the line's leading indent. */
export function wrapLine(text: string, width: number): string[] {
  const t = sanitize(text);
  if (t.length <= width || width < 8) return [t.slice(0, Math.max(width, 1))];
  const indent = " ".repeat(Math.min(/^ */.exec(t)?.[0].length ?? 0, Math.floor(width / 2)));
  const out: string[] = [];
  let rest = t;
  while (rest.length > width) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= indent.length) cut = width;
    out.push(rest.slice(0, cut).trimEnd());
    rest = indent + rest.slice(cut).trimStart();
  }
  out.push(rest);
  return out;
}
