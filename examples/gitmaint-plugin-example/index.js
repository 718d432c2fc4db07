// An example third-party gitmaint plugin. It uses only the public API of @gitmaint/core, exactly
// like the built-in plugins. Load it from config by package name:
//   { "extraPlugins": [["gitmaint-plugin-example", { "maxPacks": 20 }]] }
// or by path: { "extraPlugins": ["./node_modules/gitmaint-plugin-example/index.js"] }
import { definePlugin, z } from "@gitmaint/core";

export default definePlugin({
  name: "pack-count-alert",
  apiVersion: 1,
  description: "alerts when a repository has more than maxPacks packs",
  options: z
    .object({
      /** Alert above this many packs. */
      maxPacks: z.number().int().positive().default(50),
    })
    .strict(),
  setup(ctx) {
    /** Repositories currently over the limit (alert once per crossing). */
    const over = new Set();
    ctx.bus.on("repo.stats", (event) => {
      const { packs } = event.stats;
      if (packs > ctx.options.maxPacks && !over.has(event.repo)) {
        over.add(event.repo);
        ctx.action(event.repo, {
          kind: "alerted",
          message: `${packs} packs (limit ${ctx.options.maxPacks}): consider gitmaint repack`,
          details: { packs, limit: ctx.options.maxPacks },
        });
      } else if (packs <= ctx.options.maxPacks) {
        over.delete(event.repo);
      }
    });
    return {
      async run(repo) {
        const { stdout } = await ctx.git.run(["count-objects", "-v"], { repo });
        const packs = Number(/^packs: (\d+)$/m.exec(stdout)?.[1] ?? 0);
        return {
          summary: `${packs} packs (limit ${ctx.options.maxPacks})${packs > ctx.options.maxPacks ? ": over the limit" : ""}`,
          data: { packs, limit: ctx.options.maxPacks, over: packs > ctx.options.maxPacks },
        };
      },
      dispose() {
        over.clear();
      },
    };
  },
});
