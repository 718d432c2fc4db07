import { Box } from "ink";
import { Line } from "./Line.js";
import { PaneTitle, positionOf } from "./PaneTitle.js";

export interface ScrollLine {
  text: string;
  color?: string | undefined;
  dim?: boolean;
  bold?: boolean;
}

export interface ScrollViewProps {
  title: string;
  lines: readonly ScrollLine[];
  scroll: number;
  /** Lines available including the title. */
  height: number;
  width: number;
}

/** A titled, scrollable list of lines (detail, results, help). */
export function ScrollView({ title, lines, scroll, height, width }: ScrollViewProps) {
  const rows = Math.max(1, height - 1);
  const start = Math.min(scroll, Math.max(0, lines.length - rows));
  const end = Math.min(lines.length, start + rows);
  return (
    <Box flexDirection="column">
      <PaneTitle title={title} focused position={positionOf(start, end, lines.length)} width={width} />
      {lines.slice(start, end).map((l, i) => (
        <Line key={start + i} text={l.text.slice(0, width)} color={l.color} dim={l.dim} bold={l.bold} />
      ))}
    </Box>
  );
}
