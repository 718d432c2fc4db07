import { wrapLine } from "./format.js";
import { ScrollView } from "./ScrollView.js";

export interface ResultViewProps {
  title: string;
  lines: readonly string[];
  pending: boolean;
  scroll: number;
  height: number;
  width: number;
}

/** What a dry run would do (or a run did): its summary, reported actions and data. */
export function ResultView({ title, lines, pending, scroll, height, width }: ResultViewProps) {
  return (
    <ScrollView
      title={`${title}${pending ? " (running)" : ""} (esc to close)`}
      lines={lines.flatMap((line) => wrapLine(line, width)).map((text) => ({ text }))}
      scroll={scroll}
      height={height}
      width={width}
    />
  );
}
