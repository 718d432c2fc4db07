import { Box } from "ink";
import { cell, duration, progressBar, rcell, shortArgv } from "./format.js";
import { columnWidths, windowOf, type ColumnSpec } from "./layout.js";
import { Line } from "./Line.js";
import type { ProcRow } from "./model.js";
import { PaneTitle, positionOf } from "./PaneTitle.js";
import { tableHead, tableRow } from "./table.js";
import { useTheme } from "./useTheme.js";

const COLUMNS: readonly ColumnSpec[] = [
  { title: "PID", width: 7, align: "right" },
  { title: "OWNER", width: 16 },
  { title: "ELAPSED", width: 7, align: "right" },
  { title: "COMMAND", width: "flex", min: 10 },
  { title: "PROGRESS", width: 24 },
];

export interface ProcessesPaneProps {
  procs: readonly ProcRow[];
  selected: number;
  focused: boolean;
  rows: number;
  width: number;
  now: number;
}

/** `Writing    ████░░░░  45%`: phase, bar and percent in exactly `width` columns. */
export function progressCell(p: ProcRow, width: number): string {
  if (p.runId === undefined) return cell(`external ${p.role ?? ""}`.trim(), width);
  if (p.phase === undefined) return cell("running", width);
  const pct = p.percent === undefined ? "" : `${Math.round(p.percent)}%`;
  const barWidth = Math.max(4, Math.floor(width / 3));
  const phaseWidth = Math.max(1, width - barWidth - 6);
  return `${cell(p.phase, phaseWidth)} ${progressBar(p.percent, barWidth)} ${rcell(pct, 4)}`;
}

/** The cells of one process row. */
export function procCells(p: ProcRow, now: number, progressWidth: number): string[] {
  return [String(p.pid), p.owner, duration(now - p.startedAt), shortArgv(p.argv), progressCell(p, progressWidth)];
}

/** Git processes: gitmaint's runs (with progress) and external git processes on the repositories. */
export function ProcessesPane({ procs, selected, focused, rows, width, now }: ProcessesPaneProps) {
  const theme = useTheme();
  const widths = columnWidths(COLUMNS, width);
  const { start, end } = windowOf(procs.length, selected, rows);
  return (
    <Box flexDirection="column">
      <PaneTitle title="Git processes" focused={focused} position={positionOf(start, end, procs.length)} width={width} />
      <Line text={tableHead(COLUMNS, widths, width)} dim />
      {procs.length === 0 ? <Line text="  (no git processes)" dim /> : null}
      {procs.slice(start, end).map((p, i) => {
        const isSel = start + i === selected;
        return (
          <Line
            key={p.key}
            text={tableRow(COLUMNS, widths, procCells(p, now, widths[4] ?? 24), isSel ? ">" : " ", width)}
            selected={isSel && focused}
            width={width}
            bold={isSel}
            color={p.runId === undefined ? theme.muted : undefined}
          />
        );
      })}
    </Box>
  );
}
