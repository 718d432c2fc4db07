import { Box } from "ink";
import { allocateRows, DASHBOARD_CHROME } from "./layout.js";
import { PANES, type UiState } from "./model.js";
import { PluginsPane } from "./PluginsPane.js";
import { ProcessesPane } from "./ProcessesPane.js";
import { ReposPane } from "./ReposPane.js";

export interface DashboardProps {
  state: UiState;
  width: number;
  /** Lines available for the whole dashboard, header and status line included. */
  height: number;
}

/** The three live panes, sharing the available lines (the focused pane grows first). */
export function Dashboard({ state, width, height }: DashboardProps) {
  const budget = Math.max(PANES.length, height - DASHBOARD_CHROME);
  const rows = allocateRows(
    { repos: state.repos.length, plugins: state.plugins.length, procs: state.procs.length },
    PANES,
    state.focus,
    budget,
  );
  const common = { width, now: state.now };
  return (
    <Box flexDirection="column">
      <ReposPane repos={state.repos} selected={state.selected.repos} focused={state.focus === "repos"} rows={rows.repos} {...common} />
      <PluginsPane plugins={state.plugins} selected={state.selected.plugins} focused={state.focus === "plugins"} rows={rows.plugins} {...common} />
      <ProcessesPane procs={state.procs} selected={state.selected.procs} focused={state.focus === "procs"} rows={rows.procs} {...common} />
    </Box>
  );
}
