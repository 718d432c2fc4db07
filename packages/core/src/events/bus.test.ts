import { describe, expect, it, vi } from "vitest";
import { Bus } from "./bus.js";

const ev = { repo: "/r", at: 1, pack: "pack-a", hash: "a", path: "/r/objects/pack/pack-a.pack", bytes: 1 };

describe("Bus", () => {
  it("delivers typed events and unsubscribes", () => {
    const bus = new Bus();
    const seen: string[] = [];
    const off = bus.on("pack.added", (e) => void seen.push(e.hash));
    bus.emit("pack.added", ev);
    off();
    bus.emit("pack.added", ev);
    expect(seen).toEqual(["a"]);
    expect(bus.listenerCount()).toBe(0);
  });

  it("isolates a throwing or rejecting handler from the others", async () => {
    const errors: unknown[] = [];
    const bus = new Bus({ onHandlerError: (e) => errors.push(e) });
    const good = vi.fn();
    bus.on("pack.added", () => {
      throw new Error("sync boom");
    });
    bus.on("pack.added", async () => {
      throw new Error("async boom");
    });
    bus.on("pack.added", good);
    expect(() => bus.emit("pack.added", ev)).not.toThrow();
    await bus.drain();
    expect(good).toHaveBeenCalledOnce();
    expect(errors.map((e) => (e as Error).message).sort()).toEqual(["async boom", "sync boom"]);
  });

  it("unsubscribes on abort signal, also when already aborted", () => {
    const bus = new Bus();
    const ac = new AbortController();
    const h = vi.fn();
    bus.on("pack.added", h, { signal: ac.signal });
    bus.onAny(h, { signal: ac.signal });
    expect(bus.listenerCount()).toBe(2);
    ac.abort();
    expect(bus.listenerCount()).toBe(0);
    bus.on("pack.added", h, { signal: ac.signal });
    expect(bus.listenerCount()).toBe(0);
    bus.emit("pack.added", ev);
    expect(h).not.toHaveBeenCalled();
  });

  it("onAny sees every event with its type", () => {
    const bus = new Bus();
    const types: string[] = [];
    bus.onAny((type) => void types.push(type));
    bus.emit("pack.added", ev);
    bus.emit("log", { at: 1, level: "info", message: "hi" });
    expect(types).toEqual(["pack.added", "log"]);
  });
});
