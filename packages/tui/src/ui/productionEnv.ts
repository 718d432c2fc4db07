/**
 * Imported first by the UI modules, before React and Ink load (both read the environment once,
 * at import):
 * - React's development build (prop checks, performance tracks) costs several times the CPU of
 *   the production one: NODE_ENV defaults to production. An explicit NODE_ENV is left alone.
 * - Ink renders nothing live when CI or CONTINUOUS_INTEGRATION is set (it writes only the last
 *   frame at exit). The TUI runs only on a terminal (runTui refuses anything else), where a user
 *   who started it wants to see it, so those flags are switched off ("0" is Ink's "not CI").
 */
process.env["NODE_ENV"] ??= "production";
for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) if (key in process.env) process.env[key] = "0";
export {};
