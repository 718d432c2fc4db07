import { Static } from "ink";
import { memo, useEffect, type Dispatch } from "react";
import { ActivityLine } from "./ActivityLine.js";
import type { ActivityItem, RepoRow } from "./model.js";
import type { Action } from "./reducer.js";

/** Once this many items have been printed, the Static list restarts empty (bounded memory). */
export const COMPACT_AFTER = 100;

export interface ActivityLogProps {
  log: { epoch: number; items: ActivityItem[] };
  repos: readonly RepoRow[];
  width: number;
  dispatch: Dispatch<Action>;
}

/**
 * The Activity stream: finished items printed once by Ink's `<Static>`, scrolling above the live
 * panes (and left in the terminal's scrollback after quitting). A filter change starts a new
 * epoch, which re-prints the matching recent items under a header line.
 */
function ActivityLogImpl({ log, repos, width, dispatch }: ActivityLogProps) {
  const { epoch, items } = log;
  useEffect(() => {
    // runs after Ink printed this commit's Static items
    if (items.length >= COMPACT_AFTER) dispatch({ type: "log-printed", epoch, printed: items.length });
  }, [epoch, items.length, dispatch]);
  return (
    <Static key={epoch} items={items}>
      {(item) => <ActivityLine key={item.id} item={item} repos={repos} width={width} />}
    </Static>
  );
}

/** Re-renders only when the log or the width changes (repository names may lag a moment). */
export const ActivityLog = memo(ActivityLogImpl, (a, b) => a.log === b.log && a.width === b.width && a.dispatch === b.dispatch);
