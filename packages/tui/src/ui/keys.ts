/**
 * THE key bindings of the TUI: the one table the `?` help view shows and the one function that
 * maps a key press to a command. Change a binding here and both follow.
 */
import type { Key } from "ink";

export type Command =
  | "up"
  | "down"
  | "page-up"
  | "page-down"
  | "next-pane"
  | "prev-pane"
  | "enter"
  | "close"
  | "run"
  | "dry-run"
  | "pause"
  | "kill"
  | "filter"
  | "help"
  | "quit";

export interface Binding {
  /** Keys as shown in help. */
  keys: string;
  command: Command;
  help: string;
}

/** Every binding, in help order. */
export const BINDINGS: readonly Binding[] = [
  { keys: "↑ k", command: "up", help: "move up (scroll in a view)" },
  { keys: "↓ j", command: "down", help: "move down (scroll in a view)" },
  { keys: "PgUp PgDn", command: "page-down", help: "scroll a view by a page" },
  { keys: "tab → / S-tab ←", command: "next-pane", help: "next / previous pane" },
  { keys: "enter", command: "enter", help: "detail: journal of the selected repo or plugin" },
  { keys: "esc", command: "close", help: "back to the dashboard; cancel a prompt" },
  { keys: "r", command: "run", help: "run the selected plugin now on the selected repo" },
  { keys: "d", command: "dry-run", help: "dry-run it: show what it would do, change nothing" },
  { keys: "p", command: "pause", help: "pause / resume the selected plugin" },
  { keys: "x", command: "kill", help: "stop the selected gitmaint git process (asks y/n)" },
  { keys: "/", command: "filter", help: "filter activity: repo:NAME plugin:NAME or words" },
  { keys: "?", command: "help", help: "this help" },
  { keys: "q ctrl-c", command: "quit", help: "quit: clean shutdown, like SIGTERM in `run`" },
];

/** The command for a key press on the dashboard or a view (prompts handle their own keys). */
export function commandFor(input: string, key: Key): Command | undefined {
  if (key.ctrl && input === "c") return "quit";
  if (key.upArrow) return "up";
  if (key.downArrow) return "down";
  if (key.pageUp) return "page-up";
  if (key.pageDown) return "page-down";
  if (key.tab) return key.shift ? "prev-pane" : "next-pane";
  if (key.rightArrow) return "next-pane";
  if (key.leftArrow) return "prev-pane";
  if (key.return) return "enter";
  if (key.escape) return "close";
  if (key.ctrl || key.meta) return undefined;
  switch (input) {
    case "k":
      return "up";
    case "j":
      return "down";
    case "r":
      return "run";
    case "d":
      return "dry-run";
    case "p":
      return "pause";
    case "x":
      return "kill";
    case "/":
      return "filter";
    case "?":
      return "help";
    case "q":
      return "quit";
    default:
      return undefined;
  }
}

/** One-line key hints for the status line (fits 80 columns). */
export const HINTS = "tab pane  enter detail  r run  d dry-run  p pause  x stop  / filter  ? keys";
