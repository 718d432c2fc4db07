import type { AnyEvent, EngineApi } from "@gitmaint/core";
import { Box } from "ink";
import { useCallback, useRef, useState } from "react";
import { ActivityLog } from "./ActivityLog.js";
import { Dashboard } from "./Dashboard.js";
import { DetailView } from "./DetailView.js";
import { Header } from "./Header.js";
import { HelpView } from "./HelpView.js";
import { dashboardHeight, usableWidth } from "./layout.js";
import { ResultView } from "./ResultView.js";
import { StatusLine } from "./StatusLine.js";
import { useCommands } from "./useCommands.js";
import { useEngineState } from "./useEngineState.js";
import { useKeyboard } from "./useKeyboard.js";
import { useTerminalSize } from "./useTerminalSize.js";

export interface AppProps {
  engine: EngineApi;
  /** Called once when the user quits (q, ctrl-c). The caller shuts the engine down. */
  onQuit: () => void;
  /** Minimum time between event batches (ms); default 100. */
  flushMs?: number;
  /** Period of `status(repo)` refreshes (ms); default 15000. */
  statusIntervalMs?: number;
  /** Period of the clock / plugins / runs refresh (ms); default 1000. */
  tickMs?: number;
  /** Called with each event batch after it is dispatched (latency measurement). */
  onBatch?: (batch: readonly AnyEvent[]) => void;
}

/** The TUI: the Activity log (`<Static>`) above the live dashboard or the open view. */
export function App({ engine, onQuit, flushMs, statusIntervalMs, tickMs, onBatch }: AppProps) {
  const { state, dispatch, getState } = useEngineState(engine, { flushMs, statusIntervalMs, tickMs, onBatch });
  const commands = useCommands(engine, getState, dispatch);
  const size = useTerminalSize();
  const [quitting, setQuitting] = useState(false);
  const quitRef = useRef(false);
  const quit = useCallback(() => {
    if (quitRef.current) return;
    quitRef.current = true;
    setQuitting(true);
    dispatch({ type: "message", level: "info", text: "shutting down: waiting for running work…" });
    onQuit();
  }, [onQuit, dispatch]);
  const width = usableWidth(size.columns);
  const height = dashboardHeight(size.rows);
  const viewHeight = height - 2;
  useKeyboard({ getState, dispatch, commands, onQuit: quit, page: Math.max(1, viewHeight - 2), active: !quitting });

  const v = state.view;
  let body;
  if (v.kind === "help") body = <HelpView scroll={v.scroll} height={viewHeight} width={width} />;
  else if (v.kind === "detail")
    body = <DetailView state={state} target={v.target} entries={v.entries} error={v.error} scroll={v.scroll} height={viewHeight} width={width} />;
  else if (v.kind === "result")
    body = <ResultView title={v.title} lines={v.lines} pending={v.pending} scroll={v.scroll} height={viewHeight} width={width} />;
  else body = <Dashboard state={state} width={width} height={height} />;

  return (
    <>
      <ActivityLog log={state.log} repos={state.repos} width={width} dispatch={dispatch} />
      <Box flexDirection="column" width={width}>
        <Header state={state} width={width} />
        {body}
        <StatusLine state={state} width={width} />
      </Box>
    </>
  );
}
