/**
 * What the keys do to the Engine: run / dry-run the selected plugin on the selected repository,
 * pause / resume a plugin, stop one of gitmaint's git runs (after a y/n prompt), and load the
 * Journal for the detail view. Results and errors come back as status messages and activity.
 */
import type { ActionEvent, EngineApi, JournalEntry, RunResult } from "@gitmaint/core";
import { errorMessage } from "@gitmaint/core";
import { useMemo, type Dispatch } from "react";
import { resultLines } from "./resultLines.js";
import { shortArgv } from "./format.js";
import type { DetailTarget, UiState } from "./model.js";
import type { Action } from "./reducer.js";

/** Journal entries shown in the detail view. */
export const DETAIL_LIMIT = 200;

export interface Commands {
  run(dryRun: boolean): void;
  togglePause(): void;
  askKill(): void;
  confirmKill(): void;
  openDetail(): void;
}

/** Journal entries of one plugin across every repository, oldest first, the last `limit`. */
export async function pluginJournal(engine: EngineApi, name: string, limit: number): Promise<JournalEntry[]> {
  const all: JournalEntry[] = [];
  for (const repo of engine.repos()) {
    const entries = await engine.journal.read(repo.id, { limit: limit * 4 });
    all.push(...entries.filter((e) => e.plugin === name));
  }
  return all.sort((a, b) => a.at - b.at).slice(-limit);
}

export function useCommands(engine: EngineApi, getState: () => UiState, dispatch: Dispatch<Action>): Commands {
  return useMemo<Commands>(() => {
    const message = (text: string, level: "info" | "warn" | "error" = "info"): void =>
      dispatch({ type: "message", text, level, at: Date.now() });

    const loadDetail = async (target: DetailTarget): Promise<void> => {
      try {
        const entries =
          target.type === "repo"
            ? await engine.journal.read(target.id, { limit: DETAIL_LIMIT })
            : await pluginJournal(engine, target.name, DETAIL_LIMIT);
        dispatch({ type: "detail-loaded", target, entries });
      } catch (error) {
        dispatch({ type: "detail-loaded", target, error: errorMessage(error) });
      }
    };

    const runSelected = async (dryRun: boolean): Promise<void> => {
      const s = getState();
      const plugin = s.plugins[s.selected.plugins];
      const repo = s.repos[s.selected.repos];
      if (!plugin || !repo) {
        message("select a plugin and a repository first", "warn");
        return;
      }
      const what = `${plugin.name} on ${repo.name}`;
      const title = dryRun ? `dry run: ${what}` : `run: ${what}`;
      const seen: ActionEvent[] = [];
      const off = engine.bus.on("action", (e) => {
        if (e.plugin === plugin.name && e.repo === repo.id && (e.dryRun === true) === dryRun) seen.push(e);
      });
      if (dryRun) dispatch({ type: "result", title, lines: ["working…"], pending: true });
      message(`${dryRun ? "dry-running" : "running"} ${what}…`);
      let result: RunResult | void;
      try {
        result = await engine.runPlugin(plugin.name, repo.id, { dryRun, trigger: "tui", args: {} });
      } catch (error) {
        off();
        const text = `${title} failed: ${errorMessage(error)}`;
        message(text, "error");
        dispatch({ type: "activity", item: { at: Date.now(), repo: repo.id, plugin: plugin.name, kind: "tui", level: "error", text, dryRun } });
        if (dryRun) dispatch({ type: "result", title, lines: [text], pending: false });
        return;
      }
      off();
      const summary = result?.summary ?? "done";
      // the plugin's own action events tell the Activity stream what changed; the outcome goes to the status line
      message(`${title}: ${summary}`);
      if (dryRun) dispatch({ type: "result", title, lines: resultLines(result, seen), pending: false });
    };

    return {
      run(dryRun) {
        void runSelected(dryRun);
      },
      togglePause() {
        const s = getState();
        const plugin = s.plugins[s.selected.plugins];
        if (!plugin) return message("no plugin selected", "warn");
        try {
          if (plugin.state === "paused") engine.resumePlugin(plugin.name);
          else engine.pausePlugin(plugin.name);
          message(`${plugin.state === "paused" ? "resumed" : "paused"} ${plugin.name}`);
          dispatch({ type: "plugins", plugins: engine.plugins() });
        } catch (error) {
          message(`${plugin.name}: ${errorMessage(error)}`, "error");
        }
      },
      askKill() {
        const s = getState();
        const proc = s.procs[s.selected.procs];
        if (!proc) return message("no git process selected", "warn");
        if (proc.runId === undefined) {
          return message(`pid ${proc.pid} is not gitmaint's (${proc.role ?? "git"}): not stopping it`, "warn");
        }
        dispatch({ type: "prompt", prompt: { kind: "confirm-kill", runId: proc.runId, pid: proc.pid, label: `${shortArgv(proc.argv)} (${proc.owner})` } });
      },
      confirmKill() {
        const prompt = getState().prompt;
        if (prompt?.kind !== "confirm-kill") return;
        dispatch({ type: "prompt", prompt: undefined });
        const ok = engine.killRun(prompt.runId);
        message(ok ? `stopping git pid ${prompt.pid}: ${prompt.label}` : `git pid ${prompt.pid} already finished`, ok ? "info" : "warn");
      },
      openDetail() {
        const s = getState();
        let target: DetailTarget | undefined;
        if (s.focus === "repos") {
          const repo = s.repos[s.selected.repos];
          if (repo) target = { type: "repo", id: repo.id };
        } else if (s.focus === "plugins") {
          const plugin = s.plugins[s.selected.plugins];
          if (plugin) target = { type: "plugin", name: plugin.name };
        } else {
          const proc = s.procs[s.selected.procs];
          if (proc?.runId !== undefined && proc.owner !== "gitmaint") target = { type: "plugin", name: proc.owner };
          else if (proc?.repo) target = { type: "repo", id: proc.repo };
        }
        if (!target) return message("nothing selected", "warn");
        dispatch({ type: "detail", target });
        void loadDetail(target);
      },
    };
  }, [engine, getState, dispatch]);
}
