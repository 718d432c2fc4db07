import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { tempDir, cleanupAll } from "../../../../test/helpers/fixtures.js";
import { Bus } from "../events/bus.js";
import type { PluginStateEvent } from "../events/types.js";
import { GitRunner } from "../git/runner.js";
import { Journal } from "../journal/journal.js";
import { Locks } from "../locks/locks.js";
import { ProcessTable } from "../process/table.js";
import { StateStore } from "../state/store.js";
import { definePlugin } from "./define.js";
import { PluginHost } from "./host.js";
import type { PluginDefinition } from "./types.js";

afterEach(cleanupAll);

const statsEvent = (n: number) => ({
  repo: "/r",
  at: n,
  stats: { packs: n, packBytes: 0, cruftPacks: 0, keptPacks: 0, looseObjects: 0, looseExact: false, tmpFiles: 0, tmpBytes: 0, locks: [], sizeBytes: 0 },
});

async function makeHost(options: { maxFailures?: number; handlerTimeoutMs?: number } = {}) {
  const bus = new Bus();
  const dir = tempDir("host-");
  const processes = new ProcessTable();
  const journal = new Journal({ dir });
  const git = new GitRunner({ bus, processes, journal });
  const host = new PluginHost(
    {
      bus,
      git,
      processes,
      journal,
      locks: new Locks({ processes, bus, journal }),
      repos: { list: () => [], get: () => undefined },
      gitVersion: await git.version(),
      stateFor: (plugin) => new StateStore({ dir, plugin }),
    },
    { configFile: "/etc/gitmaint.json", ...options },
  );
  const states: PluginStateEvent[] = [];
  bus.on("plugin.state", (e) => void states.push(e));
  return { bus, host, states };
}

const spec = (definition: unknown, options?: unknown) => ({ definition: definition as PluginDefinition, source: "test", options });

describe("PluginHost", () => {
  it("disables a plugin that throws on every event after N failures; others keep being served", async () => {
    const { bus, host, states } = await makeHost({ maxFailures: 3 });
    let throwerCalls = 0;
    const served: number[] = [];
    await host.load([
      spec(
        definePlugin({
          name: "thrower",
          apiVersion: 1,
          setup(ctx) {
            ctx.bus.on("repo.stats", () => {
              throwerCalls++;
              throw new Error("boom");
            });
          },
        }),
      ),
      spec(
        definePlugin({
          name: "good",
          apiVersion: 1,
          setup(ctx) {
            ctx.bus.on("repo.stats", (e) => void served.push(e.stats.packs));
          },
        }),
      ),
    ]);
    for (let i = 1; i <= 10; i++) {
      bus.emit("repo.stats", statsEvent(i));
      await bus.drain();
      await new Promise((r) => setImmediate(r));
    }
    expect(throwerCalls).toBe(3);
    expect(served).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const thrower = host.list().find((p) => p.name === "thrower")!;
    expect(thrower.state).toBe("disabled");
    expect(thrower.message).toMatch(/3 consecutive failures.*boom/);
    expect(host.list().find((p) => p.name === "good")!.state).toBe("idle");
    expect(states.some((s) => s.plugin === "thrower" && s.state === "disabled")).toBe(true);
    await host.shutdown(1000);
  });

  it("times out a hung handler and counts it as a failure", async () => {
    const { bus, host } = await makeHost({ handlerTimeoutMs: 100, maxFailures: 2 });
    await host.load([
      spec(
        definePlugin({
          name: "hang",
          apiVersion: 1,
          setup(ctx) {
            ctx.bus.on("repo.stats", () => new Promise<void>(() => {}));
          },
        }),
      ),
    ]);
    const t0 = Date.now();
    bus.emit("repo.stats", statsEvent(1));
    await bus.drain();
    await new Promise((r) => setTimeout(r, 150));
    const info = host.list()[0]!;
    expect(info.state).toBe("failed");
    expect(info.message).toMatch(/did not finish within 100 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
    await host.shutdown(200);
  });

  it("rejects a wrong apiVersion with one line naming the plugin", async () => {
    const { host } = await makeHost();
    await expect(host.load([spec({ name: "future", apiVersion: 2, setup() {} })])).rejects.toThrow(
      /^plugin future: apiVersion 2 is not supported \(this gitmaint implements apiVersion 1\)$/,
    );
  });

  it("rejects bad options naming plugin, key and file, with did-you-mean for unknown keys", async () => {
    const withOpts = definePlugin({
      name: "opts",
      apiVersion: 1,
      options: z.object({ maxPacks: z.number().default(5) }).strict(),
      setup() {},
    });
    const { host } = await makeHost();
    await expect(host.load([spec(withOpts, { maxPack: 3 })])).rejects.toThrow(
      'plugin opts: /etc/gitmaint.json: unknown key "plugins.opts.maxPack" (did you mean "maxPacks"?)',
    );
    const { host: host2 } = await makeHost();
    const error = await host2.load([spec(withOpts, { maxPacks: "many" })]).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^plugin opts: \/etc\/gitmaint.json: invalid value at "plugins.opts.maxPacks": /);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("applies option defaults and passes them to setup", async () => {
    const { host } = await makeHost();
    let seen: unknown;
    await host.load([
      spec(
        definePlugin({
          name: "defaults",
          apiVersion: 1,
          options: z.object({ maxPacks: z.number().default(5) }).strict(),
          setup(ctx) {
            seen = ctx.options;
          },
        }),
      ),
    ]);
    expect(seen).toEqual({ maxPacks: 5 });
  });

  it("tears down in reverse order of setup, each isolated, and aborts ctx.signal first", async () => {
    const { host } = await makeHost();
    const order: string[] = [];
    const make = (name: string, failDispose = false) =>
      spec(
        definePlugin({
          name,
          apiVersion: 1,
          setup(ctx) {
            order.push(`setup ${name}`);
            return {
              dispose() {
                order.push(`dispose ${name} aborted=${ctx.signal.aborted}`);
                if (failDispose) throw new Error("dispose failed");
              },
            };
          },
        }),
      );
    await host.load([make("a"), make("b", true), make("c")]);
    await host.shutdown(1000);
    expect(order).toEqual(["setup a", "setup b", "setup c", "dispose c aborted=true", "dispose b aborted=true", "dispose a aborted=true"]);
  });

  it("runs a plugin on demand, pauses and resumes it, and skips its handlers while paused", async () => {
    const { bus, host } = await makeHost();
    const seen: number[] = [];
    await host.load([
      spec(
        definePlugin({
          name: "p",
          apiVersion: 1,
          setup(ctx) {
            ctx.bus.on("repo.stats", (e) => void seen.push(e.stats.packs));
            return { run: async (_repo, o) => ({ summary: `dry=${o.dryRun} x=${String(o.args.x)}` }) };
          },
        }),
      ),
    ]);
    const repo = { id: "/r", gitDir: "/r", commonDir: "/r", objectsDir: "/r/objects", packDir: "/r/objects/pack", workTree: null, bare: true, name: "r" };
    await expect(host.run("p", repo, { dryRun: true, args: { x: 1 } })).resolves.toEqual({ summary: "dry=true x=1" });
    host.pause("p");
    bus.emit("repo.stats", statsEvent(1));
    host.resume("p");
    bus.emit("repo.stats", statsEvent(2));
    await bus.drain();
    expect(seen).toEqual([2]);
    await expect(host.run("nope", repo)).rejects.toThrow(/plugin nope: is not loaded/);
    await host.shutdown(1000);
  });

  it("fails start-up with a one-line error when setup throws", async () => {
    const { host } = await makeHost();
    await expect(
      host.load([
        spec(
          definePlugin({
            name: "bad-setup",
            apiVersion: 1,
            setup() {
              throw new Error("cannot start");
            },
          }),
        ),
      ]),
    ).rejects.toThrow(/^plugin bad-setup: setup failed: cannot start$/);
  });
});
