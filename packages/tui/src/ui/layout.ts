/**
 * Screen geometry: how many lines the live dashboard may use (the rest above it shows the
 * scrolling Activity log), how those lines are shared between panes, fixed-width table columns,
 * and scrolling windows over long lists.
 */

/** Width actually used: one column less than the terminal, so no terminal ever auto-wraps a row. */
export function usableWidth(columns: number | undefined): number {
  return Math.max(40, (columns ?? 80) - 1);
}

/** Lines reserved above the dashboard for the Activity log (Ink `<Static>` output scrolls there). */
export function activityLines(rows: number): number {
  return rows >= 20 ? Math.max(4, Math.floor(rows / 4)) : 2;
}

/**
 * Height of the live area. Ink redraws the whole screen (flicker) once its live output reaches
 * the terminal height, so the dashboard always stays below that.
 */
export function dashboardHeight(rows: number | undefined): number {
  const r = rows ?? 24;
  return Math.max(8, r - 1 - activityLines(r));
}

/** Lines of the dashboard that are not list rows: header, pane titles and column heads, health line, status line. */
export const DASHBOARD_CHROME = 1 + (1 + 1 + 1) + (1 + 1) + (1 + 1) + 1;

/**
 * Shares `budget` list rows between panes: every pane gets one row (for "none" or its selected
 * row), then the focused pane grows to its length, then the others in order.
 */
export function allocateRows<K extends string>(lengths: Record<K, number>, order: readonly K[], focus: K, budget: number): Record<K, number> {
  const out = {} as Record<K, number>;
  let left = budget;
  for (const k of order) {
    out[k] = 1;
    left -= 1;
  }
  const grow = (k: K): void => {
    const want = Math.max(0, lengths[k] - out[k]);
    const give = Math.max(0, Math.min(want, left));
    out[k] += give;
    left -= give;
  };
  grow(focus);
  for (const k of order) if (k !== focus) grow(k);
  return out;
}

/** The slice of a list shown in `rows` lines, keeping `selected` visible (roughly centred). */
export function windowOf(length: number, selected: number, rows: number): { start: number; end: number } {
  if (length <= rows) return { start: 0, end: length };
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), length - rows);
  return { start, end: start + rows };
}

export interface ColumnSpec {
  title: string;
  /** Fixed width, or "flex" to share what is left. */
  width: number | "flex";
  /** Minimum width of a flex column. */
  min?: number;
  align?: "left" | "right";
}

/** Widths of the columns for a table `width` columns wide (1 marker column + 1 space between cells). */
export function columnWidths(specs: readonly ColumnSpec[], width: number): number[] {
  const fixed = specs.reduce((n, s) => n + (s.width === "flex" ? 0 : s.width), 0);
  const gaps = specs.length - 1;
  const flex = specs.filter((s) => s.width === "flex");
  const left = Math.max(0, width - 1 - gaps - fixed);
  const each = flex.length > 0 ? Math.floor(left / flex.length) : 0;
  let extra = flex.length > 0 ? left - each * flex.length : 0;
  return specs.map((s) => {
    if (s.width !== "flex") return s.width;
    const w = Math.max(s.min ?? 4, each + extra);
    extra = 0;
    return w;
  });
}
