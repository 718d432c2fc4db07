/**
 * The Ink terminal UI over a running Engine (`gitmaint tui`). The CLI calls `runTui(engine)`;
 * everything else is exported for tests and embedding.
 */
// must stay the first import: it selects React's production build before React loads
import "./productionEnv.js";
export { runTui, NON_TTY_MESSAGE } from "./runTui.js";
export type { RunTuiOptions } from "./runTui.js";
export { App } from "./App.js";
export type { AppProps } from "./App.js";
export { BINDINGS, commandFor } from "./keys.js";
export type { Binding, Command } from "./keys.js";
export { reducer } from "./reducer.js";
export type { Action } from "./reducer.js";
export { initialState } from "./model.js";
export type { UiState } from "./model.js";
