import type { JournalEntry } from "@gitmaint/core";
import { bytes, clip, clock } from "./format.js";
import { health } from "./health.js";
import type { DetailTarget, UiState } from "./model.js";
import { ScrollView, type ScrollLine } from "./ScrollView.js";
import { useTheme } from "./useTheme.js";
import type { Theme } from "./theme.js";

export interface DetailViewProps {
  state: UiState;
  target: DetailTarget;
  entries: JournalEntry[] | undefined;
  error: string | undefined;
  scroll: number;
  height: number;
  width: number;
}

/** `MM-DD HH:MM:SS`, or just `HH:MM:SS` for today. */
export function stamp(at: number, now: number): string {
  const d = new Date(at);
  if (new Date(now).toDateString() === d.toDateString()) return clock(at);
  return `${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")} ${clock(at)}`;
}

/** Two lines per Journal entry (what, then why), newest first. */
export function journalLines(
  entries: readonly JournalEntry[],
  now: number,
  width: number,
  theme: Theme,
  repoName: ((id: string) => string) | undefined,
): ScrollLine[] {
  const out: ScrollLine[] = [];
  for (const e of [...entries].reverse()) {
    const what = [stamp(e.at, now), e.op, repoName ? repoName(e.repo) : e.plugin, e.path ?? "", e.bytes !== undefined ? bytes(e.bytes) : ""]
      .filter((x) => x !== "")
      .join("  ");
    out.push({ text: clip(what, width), bold: true, color: e.op === "failure" ? theme.error : undefined });
    out.push({ text: clip(`    ${e.reason}`, width), dim: true });
  }
  return out;
}

function headLines(state: UiState, target: DetailTarget, width: number): ScrollLine[] {
  if (target.type === "repo") {
    const repo = state.repos.find((r) => r.id === target.id);
    const h = health(repo?.stats);
    return [
      { text: clip(`git dir: ${target.id}`, width) },
      { text: clip(`health: ${h.word}: ${h.reason}`, width) },
    ];
  }
  const p = state.plugins.find((x) => x.name === target.name);
  return [
    { text: clip(`${target.name}: ${p?.description || "(no description)"}`, width) },
    { text: clip(`state: ${p?.state ?? "?"}${p?.message ? ` (${p.message})` : ""}; failures ${p?.failures ?? 0} (total ${p?.totalFailures ?? 0})`, width) },
  ];
}

/** Enter on a row: the Journal entries (deletions, packs written, repacks, kills) and their reasons. */
export function DetailView({ state, target, entries, error, scroll, height, width }: DetailViewProps) {
  const theme = useTheme();
  const name = target.type === "repo" ? (state.repos.find((r) => r.id === target.id)?.name ?? target.id) : target.name;
  const body: ScrollLine[] = error
    ? [{ text: clip(`cannot read the journal: ${error}`, width), color: theme.error }]
    : entries === undefined
      ? [{ text: "loading the journal…", dim: true }]
      : entries.length === 0
        ? [{ text: "no journal entries yet (nothing deleted, written or repacked)", dim: true }]
        : journalLines(entries, state.now, width, theme, target.type === "plugin" ? (id) => state.repos.find((r) => r.id === id)?.name ?? id : undefined);
  const lines = [...headLines(state, target, width), { text: "" }, ...body];
  const count = entries ? ` (${entries.length}, newest first)` : "";
  return <ScrollView title={`Journal: ${target.type} ${name}${count}`} lines={lines} scroll={scroll} height={height} width={width} />;
}
