import { Box, Text } from "ink";
import { cell, clock, sanitize } from "./format.js";
import type { ActivityItem, RepoRow } from "./model.js";
import type { Theme } from "./theme.js";
import { useTheme } from "./useTheme.js";

/** Width of the `HH:MM:SS plugin repo ` prefix of an activity line. */
export const PREFIX_WIDTH = 8 + 1 + 16 + 1 + 12 + 1;

function colorOf(theme: Theme, item: ActivityItem): string | undefined {
  if (item.level === "error") return theme.error;
  if (item.level === "warn") return theme.warn;
  if (item.kind === "log" || item.dryRun) return theme.muted;
  if (item.kind === "tui") return theme.accent;
  return theme.ok;
}

/** The text of an activity item (without its prefix). */
export function activityText(item: ActivityItem): string {
  const tags = [item.dryRun ? "[dry-run]" : "", item.level === "warn" || item.level === "error" ? `${item.level}:` : ""];
  return sanitize([...tags.filter(Boolean), item.text].join(" "));
}

export interface ActivityLineProps {
  item: ActivityItem;
  repos: readonly RepoRow[];
  width: number;
}

/** One finished activity item: time, plugin, repository, then the message (wrapped under itself). */
export function ActivityLine({ item, repos, width }: ActivityLineProps) {
  const theme = useTheme();
  const repo = item.repo === undefined ? "" : (repos.find((r) => r.id === item.repo)?.name ?? item.repo.split("/").at(-1) ?? "");
  if (item.kind === "tui" && item.plugin === undefined && item.repo === undefined) {
    return (
      <Box width={width}>
        <Text color={theme.noColor ? undefined : theme.accent}>{activityText(item)}</Text>
      </Box>
    );
  }
  const prefix = `${clock(item.at)} ${cell(item.plugin ?? "", 16)} ${cell(repo, 12)} `;
  return (
    <Box width={width}>
      <Box width={PREFIX_WIDTH} flexShrink={0}>
        <Text dimColor>{prefix}</Text>
      </Box>
      <Box width={Math.max(10, width - PREFIX_WIDTH)}>
        <Text color={theme.noColor ? undefined : colorOf(theme, item)}>{activityText(item)}</Text>
      </Box>
    </Box>
  );
}
