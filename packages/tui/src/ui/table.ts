/** Fixed-width table rows for the panes: one marker column, then cells separated by one space. */
import { cell, clip, rcell } from "./format.js";
import type { ColumnSpec } from "./layout.js";

/** A row of cells, clipped to `width`; trailing blanks are dropped (Line pads only a highlighted row). */
export function tableRow(specs: readonly ColumnSpec[], widths: readonly number[], values: readonly string[], marker: string, width: number): string {
  const cells = specs.map((s, i) => {
    const w = widths[i] ?? 0;
    const v = values[i] ?? "";
    return s.align === "right" ? rcell(v, w) : cell(v, w);
  });
  return clip(`${marker}${cells.join(" ")}`, width).trimEnd();
}

/** The column-title row. */
export function tableHead(specs: readonly ColumnSpec[], widths: readonly number[], width: number): string {
  return tableRow(specs, widths, specs.map((s) => s.title), " ", width);
}
