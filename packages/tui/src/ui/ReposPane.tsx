import { Box } from "ink";
import { ago, bytes, count, sparkline } from "./format.js";
import { health } from "./health.js";
import { columnWidths, windowOf, type ColumnSpec } from "./layout.js";
import { Line } from "./Line.js";
import type { RepoRow } from "./model.js";
import { PaneTitle, positionOf } from "./PaneTitle.js";
import { tableHead, tableRow } from "./table.js";
import { healthColor } from "./theme.js";
import { useTheme } from "./useTheme.js";

const COLUMNS: readonly ColumnSpec[] = [
  { title: "REPOSITORY", width: "flex", min: 10 },
  { title: "PACKS", width: 5, align: "right" },
  { title: "LOOSE", width: 7, align: "right" },
  { title: "TMP", width: 11, align: "right" },
  { title: "CRUFT", width: 5, align: "right" },
  { title: "REPACKED", width: 8 },
  { title: "HEALTH", width: 7 },
  { title: "PACK TREND", width: 10 },
];

export interface ReposPaneProps {
  repos: readonly RepoRow[];
  selected: number;
  focused: boolean;
  /** List rows available (at least 1). */
  rows: number;
  width: number;
  now: number;
}

/** The cells of one repository row. */
export function repoCells(r: RepoRow, now: number, trendWidth = 10): string[] {
  const s = r.stats;
  const h = health(s);
  if (!s) return [r.name, "…", "…", "…", "…", ago(r.lastFullRepackAt, now), h.word, ""];
  const tmp = s.tmpFiles === 0 ? "0" : `${s.tmpFiles} ${bytes(s.tmpBytes)}`;
  const full = r.lastFullRepackAt === undefined ? "never" : ago(r.lastFullRepackAt, now).replace(" ago", "");
  return [r.name, count(s.packs), count(s.looseObjects, !s.looseExact), tmp, String(s.cruftPacks), full, h.word, sparkline(r.history, trendWidth)];
}

/** Repositories: packs, loose estimate, tmp files, cruft packs, last full repack, health, trend. */
export function ReposPane({ repos, selected, focused, rows, width, now }: ReposPaneProps) {
  const theme = useTheme();
  const widths = columnWidths(COLUMNS, width);
  const { start, end } = windowOf(repos.length, selected, rows);
  const sel = repos[selected];
  const verdict = health(sel?.stats);
  return (
    <Box flexDirection="column">
      <PaneTitle title="Repositories" focused={focused} position={positionOf(start, end, repos.length)} width={width} />
      <Line text={tableHead(COLUMNS, widths, width)} dim />
      {repos.length === 0 ? <Line text="  (no repositories: pass --repo PATH)" dim /> : null}
      {repos.slice(start, end).map((r, i) => {
        const isSel = start + i === selected;
        const h = health(r.stats);
        return (
          <Line
            key={r.id}
            text={tableRow(COLUMNS, widths, repoCells(r, now, widths[7]), isSel ? ">" : " ", width)}
            selected={isSel && focused}
            width={width}
            bold={isSel}
            color={h.word === "ok" || h.word === "unknown" ? undefined : healthColor(theme, h.word)}
          />
        );
      })}
      <Line text={sel ? `  ${verdict.word}: ${verdict.reason}` : ""} color={healthColor(theme, verdict.word)} />
    </Box>
  );
}
