import { useContext } from "react";
import { ThemeContext, type Theme } from "./theme.js";

/** The current theme (colours, or none under NO_COLOR). */
export function useTheme(): Theme {
  return useContext(ThemeContext);
}
