import { Text } from "ink";
import { useTheme } from "./useTheme.js";

export interface LineProps {
  text: string;
  /** Highlighted row (inverse + bold; attributes, not colours, so it survives NO_COLOR). */
  selected?: boolean;
  color?: string | undefined;
  dim?: boolean;
  bold?: boolean;
}

/** One screen row that never wraps. */
export function Line({ text, selected = false, color, dim = false, bold = false }: LineProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate" inverse={selected} bold={bold || selected} dimColor={dim} color={theme.noColor ? undefined : color}>
      {text}
    </Text>
  );
}
