import { Line } from "./Line.js";
import type { UiState } from "./model.js";
import { useTheme } from "./useTheme.js";

export interface HeaderProps {
  state: UiState;
  width: number;
}

/** Top line: counts, the active filter, and the two keys everybody needs. */
export function Header({ state, width }: HeaderProps) {
  const theme = useTheme();
  const ours = state.procs.filter((p) => p.runId !== undefined).length;
  const ext = state.procs.length - ours;
  const parts = [
    "gitmaint",
    `${state.repos.length} repo${state.repos.length === 1 ? "" : "s"}`,
    `${state.plugins.length} plugin${state.plugins.length === 1 ? "" : "s"}`,
    `${ours} git${ext > 0 ? ` +${ext} ext` : ""}`,
  ];
  if (state.filter) parts.push(`filter: ${state.filter}`);
  const left = parts.join(" · ");
  const right = "? help  q quit";
  const gap = width - left.length - right.length;
  const text = gap >= 1 ? `${left}${" ".repeat(gap)}${right}` : left.slice(0, width);
  return <Line text={text} bold color={theme.accent} />;
}
