import { describe, expect, it } from "vitest";
import { stats } from "../../../../test/helpers/tui.js";
import { health } from "./health.js";

describe("health", () => {
  it("is unknown before stats, ok on a tidy repository", () => {
    expect(health(undefined).word).toBe("unknown");
    expect(health(stats({ packs: 1, looseObjects: 12 }))).toEqual({ word: "ok", reason: "1 pack, ~12 loose, no leftovers" });
  });

  it("is fair with leftovers or many packs, and says why", () => {
    const h = health(stats({ packs: 12, tmpFiles: 2, tmpBytes: 2048 }));
    expect(h.word).toBe("fair");
    expect(h.reason).toBe("12 packs; 2 tmp files (2.0K)");
    expect(health(stats({ looseObjects: 7000 })).reason).toContain("gc.auto 6700");
    expect(health(stats({ locks: ["objects/maintenance.lock"] })).reason).toContain("maintenance.lock");
  });

  it("is poor past gc.autoPackLimit or with a GiB of tmp, worst reason first", () => {
    const h = health(stats({ packs: 60, tmpFiles: 1, tmpBytes: 10 }));
    expect(h.word).toBe("poor");
    expect(h.reason.startsWith("60 packs > gc.autoPackLimit 50")).toBe(true);
    expect(health(stats({ tmpFiles: 1, tmpBytes: 2 * 1024 ** 3 })).word).toBe("poor");
  });
});
