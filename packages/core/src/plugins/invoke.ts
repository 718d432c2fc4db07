/**
 * The one wrapper every call into a plugin goes through: a time limit, failures tagged with the
 * plugin's name, and a result instead of an exception (rollup's PluginDriver.runHook idea).
 */
import { TimeoutError, errorMessage } from "../errors.js";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error; timedOut: boolean };

export async function invokeWithLimit<T>(
  plugin: string,
  what: string,
  timeoutMs: number,
  fn: () => T | Promise<T>,
): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<Outcome<T>>((resolve) => {
    if (timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      timer = setTimeout(
        () => resolve({ ok: false, timedOut: true, error: new TimeoutError(`plugin ${plugin}: ${what} did not finish within ${timeoutMs} ms`) }),
        timeoutMs,
      );
      timer.unref();
    }
  });
  const work = (async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await fn() };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(errorMessage(error));
      if (!e.message.startsWith(`plugin ${plugin}`)) e.message = `plugin ${plugin}: ${what} failed: ${e.message}`;
      return { ok: false, error: e, timedOut: false };
    }
  })();
  try {
    return await Promise.race([work, limit]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
