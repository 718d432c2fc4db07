// A gitmaint stand-in for the SIGKILL tests: an Engine with aggregate-during-repack running
// standalone passes back to back on one repository until killed. Prints "ready" once set up.
import { Engine } from "@gitmaint/core";
import { aggregateDuringRepack } from "@gitmaint/plugins";

const [repo, stateDir] = process.argv.slice(2);
const engine = await Engine.create({
  repos: [repo],
  plugins: [{ definition: aggregateDuringRepack, options: { minPackAgeMs: 0, detectIntervalMs: 0, rollUpDelayMs: 0 }, source: "builtin" }],
  stateDir,
  watch: false,
});
const id = engine.repos()[0].id;
process.stdout.write("ready\n");
for (;;) {
  try {
    const r = await engine.runPlugin("aggregate-during-repack", id, { args: { mode: "pass" } });
    process.stdout.write(`pass: ${r?.summary}\n`);
  } catch (error) {
    process.stdout.write(`error: ${error}\n`);
  }
}
