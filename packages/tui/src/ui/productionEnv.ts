/**
 * Imported first by the UI entry point, before React loads: React and Ink check NODE_ENV once,
 * and their development builds (prop checks, performance tracks) cost several times the CPU of
 * the production ones. An explicit NODE_ENV (tests, development) is left alone.
 */
process.env["NODE_ENV"] ??= "production";
export {};
