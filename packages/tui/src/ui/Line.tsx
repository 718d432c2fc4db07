import { Text } from "ink";
import { useTheme } from "./useTheme.js";

export interface LineProps {
  text: string;
  /** Highlighted row (inverse + bold; attributes, not colours, so it survives NO_COLOR). */
  selected?: boolean;
  /** Pad a highlighted row to this width so the highlight spans the pane. */
  width?: number;
  color?: string | undefined;
  dim?: boolean;
  bold?: boolean;
}

/** One screen row that never wraps. */
export function Line({ text, selected = false, width, color, dim = false, bold = false }: LineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" inverse={selected} bold={bold || selected} dimColor={dim} color={theme.noColor ? undefined : color}>
      {selected && width !== undefined ? text.padEnd(width) : text}
    </Text>
  );
}
