import { Box } from "ink";
import { ago, until } from "./format.js";
import { columnWidths, windowOf, type ColumnSpec } from "./layout.js";
import { Line } from "./Line.js";
import type { PluginRow } from "./model.js";
import { PaneTitle, positionOf } from "./PaneTitle.js";
import { tableHead, tableRow } from "./table.js";
import { useTheme } from "./useTheme.js";
import type { Theme } from "./theme.js";

const COLUMNS: readonly ColumnSpec[] = [
  { title: "PLUGIN", width: 22 },
  { title: "STATE", width: 8 },
  { title: "FAILS", width: 5, align: "right" },
  { title: "NEXT", width: 7 },
  { title: "LAST ACTION", width: "flex", min: 10 },
];

export interface PluginsPaneProps {
  plugins: readonly PluginRow[];
  selected: number;
  focused: boolean;
  rows: number;
  width: number;
  now: number;
}

/** The cells of one plugin row; a failed or disabled plugin shows its message instead of its last action. */
export function pluginCells(p: PluginRow, now: number): string[] {
  const fails = p.totalFailures > p.failures ? `${p.failures}/${p.totalFailures}` : String(p.failures);
  const state = p.enabled ? p.state : "disabled";
  const last =
    (state === "failed" || state === "disabled") && p.message
      ? `! ${p.message}`
      : p.lastAction
        ? `${ago(p.lastAction.at, now)} ${p.lastAction.message}`
        : p.message ?? "-";
  return [p.name, state, fails, state === "paused" || state === "disabled" ? "-" : until(p.nextRunAt, now), last];
}

function stateColor(theme: Theme, p: PluginRow): string | undefined {
  if (!p.enabled || p.state === "disabled" || p.state === "failed") return theme.error;
  if (p.state === "busy") return theme.accent;
  if (p.state === "paused") return theme.warn;
  return undefined;
}

/** Plugins: state, failures, next run, last action. */
export function PluginsPane({ plugins, selected, focused, rows, width, now }: PluginsPaneProps) {
  const theme = useTheme();
  const widths = columnWidths(COLUMNS, width);
  const { start, end } = windowOf(plugins.length, selected, rows);
  return (
    <Box flexDirection="column">
      <PaneTitle title="Plugins" focused={focused} position={positionOf(start, end, plugins.length)} width={width} />
      <Line text={tableHead(COLUMNS, widths, width)} dim />
      {plugins.length === 0 ? <Line text="  (no plugins loaded)" dim /> : null}
      {plugins.slice(start, end).map((p, i) => {
        const isSel = start + i === selected;
        return (
          <Line
            key={p.name}
            text={tableRow(COLUMNS, widths, pluginCells(p, now), isSel ? ">" : " ", width)}
            selected={isSel && focused}
            width={width}
            bold={isSel}
            color={stateColor(theme, p)}
          />
        );
      })}
    </Box>
  );
}
