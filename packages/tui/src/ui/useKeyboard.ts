/**
 * Routes key presses: an open prompt (filter text, y/n) takes every key; otherwise keys.ts maps
 * the key to a command, which acts on the dashboard or on the open view.
 */
import { useInput, type Key } from "ink";
import type { Dispatch } from "react";
import { commandFor, type Command } from "./keys.js";
import type { UiState } from "./model.js";
import type { Action } from "./reducer.js";
import type { Commands } from "./useCommands.js";

export interface KeyboardOptions {
  getState: () => UiState;
  dispatch: Dispatch<Action>;
  commands: Commands;
  onQuit: () => void;
  /** Lines a page-up/down scrolls in a view. */
  page: number;
  /** False once quitting: keys are ignored. */
  active: boolean;
}

function filterKey(input: string, key: Key, text: string, dispatch: Dispatch<Action>): void {
  if (key.escape) dispatch({ type: "prompt", prompt: undefined });
  else if (key.return) dispatch({ type: "filter", filter: text });
  else if (key.backspace || key.delete) dispatch({ type: "prompt", prompt: { kind: "filter", text: text.slice(0, -1) } });
  // eslint-disable-next-line no-control-regex
  else if (!key.ctrl && !key.meta && input && !/[\u0000-\u001f]/.test(input)) {
    dispatch({ type: "prompt", prompt: { kind: "filter", text: text + input } });
  }
}

const CONTROL_KEYS: Record<string, Partial<Key>> = { "\t": { tab: true }, "\r": { return: true }, "\n": { return: true }, "\u007f": { backspace: true }, "\b": { backspace: true } };

/**
 * Ink hands text that arrives in one chunk (a paste, fast typing, `tmux send-keys a b c`) to
 * `useInput` as one string: split it back into single key presses.
 */
export function splitKeys(input: string, key: Key): Array<[string, Key]> {
  if (input.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  return Array.from(input, (ch) => {
    const control = CONTROL_KEYS[ch];
    return control ? ["", { ...key, ...control }] : [ch, { ...key, shift: /[A-Z]/.test(ch) }];
  });
}

export function useKeyboard({ getState, dispatch, commands, onQuit, page, active }: KeyboardOptions): void {
  useInput(
    (chunk, chunkKey) => {
      for (const [input, key] of splitKeys(chunk, chunkKey)) handle(input, key);
    },
    { isActive: active },
  );

  function handle(input: string, key: Key): void {
    const s = getState();
    if (key.ctrl && input === "c") return onQuit();
    if (s.prompt?.kind === "filter") return filterKey(input, key, s.prompt.text, dispatch);
    if (s.prompt?.kind === "confirm-kill") {
      if (input === "y" || input === "Y") commands.confirmKill();
      else dispatch({ type: "prompt", prompt: undefined });
      return;
    }
    const command = commandFor(input, key);
    if (command) run(command, s);
  }

  function run(command: Command, s: UiState): void {
    const inView = s.view.kind !== "dashboard";
    switch (command) {
      case "quit":
        return onQuit();
      case "help":
        return dispatch({ type: "help" });
      case "close":
        return dispatch({ type: "close" });
      case "up":
        return dispatch(inView ? { type: "scroll", delta: -1 } : { type: "move", delta: -1 });
      case "down":
        return dispatch(inView ? { type: "scroll", delta: 1 } : { type: "move", delta: 1 });
      case "page-up":
        return dispatch(inView ? { type: "scroll", delta: -page } : { type: "move", delta: -page });
      case "page-down":
        return dispatch(inView ? { type: "scroll", delta: page } : { type: "move", delta: page });
      case "next-pane":
        return inView ? undefined : dispatch({ type: "focus", pane: "next" });
      case "prev-pane":
        return inView ? undefined : dispatch({ type: "focus", pane: "prev" });
      case "enter":
        return inView ? dispatch({ type: "close" }) : commands.openDetail();
      case "filter":
        return dispatch({ type: "prompt", prompt: { kind: "filter", text: s.filter } });
      case "run":
        return commands.run(false);
      case "dry-run":
        return commands.run(true);
      case "pause":
        return commands.togglePause();
      case "kill":
        return commands.askKill();
    }
  }
}
