/**
 * Colours, or none: with `NO_COLOR` set (https://no-color.org) no colour is ever emitted; the
 * selection is still marked with `>` and bold/inverse attributes (not colours).
 */
import { createContext } from "react";
import type { HealthWord } from "./health.js";

export interface Theme {
  noColor: boolean;
  accent: string | undefined;
  ok: string | undefined;
  warn: string | undefined;
  error: string | undefined;
  muted: string | undefined;
}

/** The theme for the environment (`NO_COLOR` present and non-empty disables colour). */
export function themeFor(noColor: boolean): Theme {
  if (noColor) return { noColor, accent: undefined, ok: undefined, warn: undefined, error: undefined, muted: undefined };
  return { noColor, accent: "cyan", ok: "green", warn: "yellow", error: "red", muted: "gray" };
}

/** True when the environment asks for no colour. */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env["NO_COLOR"] === "string" && env["NO_COLOR"] !== "";
}

/** Colour of a health word. */
export function healthColor(theme: Theme, word: HealthWord): string | undefined {
  return word === "ok" ? theme.ok : word === "fair" ? theme.warn : word === "poor" ? theme.error : theme.muted;
}

export const ThemeContext = createContext<Theme>(themeFor(false));
