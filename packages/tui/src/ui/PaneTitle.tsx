import { Line } from "./Line.js";
import { useTheme } from "./useTheme.js";

export interface PaneTitleProps {
  title: string;
  focused: boolean;
  /** e.g. "3-5/9" when the list scrolls. */
  position?: string;
  width: number;
}

/** `━━ Title ━━━…` when focused (heavy line: visible without colour), `── Title ──…` otherwise. */
export function PaneTitle({ title, focused, position, width }: PaneTitleProps) {
  const theme = useTheme();
  const ch = focused ? "━" : "─";
  const left = `${ch}${ch} ${title} `;
  const right = position ? ` ${position} ${ch}${ch}` : "";
  const fill = Math.max(0, width - left.length - right.length);
  return <Line text={`${left}${ch.repeat(fill)}${right}`.slice(0, width)} bold={focused} color={focused ? theme.accent : theme.muted} />;
}

/** `1-4/9` when only part of a list is shown. */
export function positionOf(start: number, end: number, length: number): string | undefined {
  if (length <= end - start) return undefined;
  return `${start + 1}-${end}/${length}`;
}
