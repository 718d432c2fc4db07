/** Human formatting for the commands (bytes and durations come from core: one style everywhere). */
export { formatBytes, formatDuration } from "@gitmaint/core";

export function time(at: number): string {
  return new Date(at).toISOString().slice(11, 19);
}
