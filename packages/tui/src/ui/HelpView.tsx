import { cell } from "./format.js";
import { BINDINGS } from "./keys.js";
import { ScrollView, type ScrollLine } from "./ScrollView.js";

export interface HelpViewProps {
  scroll: number;
  height: number;
  width: number;
}

/** `?`: every key binding (from keys.ts) and what the panes mean. */
export function HelpView({ scroll, height, width }: HelpViewProps) {
  const lines: ScrollLine[] = [
    ...BINDINGS.map((b) => ({ text: `  ${cell(b.keys, 16)} ${b.help}` })),
    { text: "" },
    { text: "  r/d use the plugin selected in Plugins and the repo selected in Repositories.", dim: true },
    { text: "  Activity scrolls above the panes; plugin logs go there (or to --log-file).", dim: true },
    { text: "  Health: ok / fair / poor, the reason is shown under Repositories.", dim: true },
  ];
  return <ScrollView title="Keys (esc to close)" lines={lines} scroll={scroll} height={height} width={width} />;
}
