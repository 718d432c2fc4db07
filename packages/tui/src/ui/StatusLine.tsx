import { clip } from "./format.js";
import { HINTS } from "./keys.js";
import { Line } from "./Line.js";
import type { UiState } from "./model.js";
import { useTheme } from "./useTheme.js";

/** A status message stays this long before the key hints come back. */
export const MESSAGE_MS = 8000;

export interface StatusLineProps {
  state: UiState;
  width: number;
}

/** Bottom line: the open prompt, else the latest message, else the key hints. */
export function StatusLine({ state, width }: StatusLineProps) {
  const theme = useTheme();
  const p = state.prompt;
  if (p?.kind === "filter") {
    return <Line text={clip(`/ ${p.text}█   enter apply · esc cancel · repo:NAME plugin:NAME`, width)} bold color={theme.accent} />;
  }
  if (p?.kind === "confirm-kill") {
    return <Line text={clip(`stop git pid ${p.pid}: ${p.label}? [y/N]`, width)} bold color={theme.warn} />;
  }
  const m = state.status;
  if (m && state.now - m.at < MESSAGE_MS) {
    const color = m.level === "error" ? theme.error : m.level === "warn" ? theme.warn : theme.accent;
    return <Line text={clip(m.text, width)} color={color} />;
  }
  return <Line text={clip(HINTS, width)} dim />;
}
