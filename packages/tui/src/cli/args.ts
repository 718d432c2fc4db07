/**
 * Argument parsing with node:util parseArgs (strict): global options plus each command's own.
 * Unknown options and missing values are UsageErrors (exit 2, one line).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "@gitmaint/core";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export const GLOBAL_OPTIONS = {
  repo: { type: "string", multiple: true },
  config: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

export interface GlobalValues {
  repo?: string[];
  config?: string;
  json?: boolean;
  help?: boolean;
}

export function parseCommandArgs<V>(command: string, argv: string[], options: OptionSpec): GlobalValues & V {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: true });
    if (positionals.length > 0)
      throw new UsageError(`${command}: unexpected argument "${positionals[0]}" (see gitmaint ${command} --help)`);
    return values as GlobalValues & V;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message.split("\n")[0]?.replace(/\. To specify .*$/, "") ?? "bad arguments";
    throw new UsageError(`${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)} (see gitmaint ${command} --help)`);
  }
}
