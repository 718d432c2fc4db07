import { describe, expect, it } from "vitest";
import { Flight } from "./flight.js";

/** A controllable executor: each run waits for `open()` before "reading", then for `finish()`. */
function harness() {
  const runs: { started: boolean; finish: (v: string) => void; fail: (e: Error) => void }[] = [];
  const flight = new Flight<string>((started) => {
    const run = { started: false, finish: (_v: string) => {}, fail: (_e: Error) => {} };
    runs.push(run);
    return new Promise<string>((resolve, reject) => {
      run.finish = (v) => resolve(v);
      run.fail = reject;
      queueMicrotask(() => {
        run.started = true;
        started();
      });
    });
  });
  return { flight, runs };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Flight", () => {
  it("callers before the run reads share it", async () => {
    const { flight, runs } = harness();
    const a = flight.request();
    const b = flight.request();
    expect(a.joined).toBe(false);
    expect(b.joined).toBe(true);
    await tick();
    runs[0]!.finish("t1");
    expect(await a.promise).toBe("t1");
    expect(await b.promise).toBe("t1");
    expect(runs).toHaveLength(1);
  });

  it("callers while a run reads share one queued run that starts after it", async () => {
    const { flight, runs } = harness();
    const a = flight.request();
    await tick();
    const later = Array.from({ length: 10 }, () => flight.request());
    expect(later.filter((r) => !r.joined)).toHaveLength(1);
    expect(runs).toHaveLength(1);
    runs[0]!.finish("t1");
    expect(await a.promise).toBe("t1");
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.finish("t2");
    for (const r of later) expect(await r.promise).toBe("t2");
    expect(flight.busy).toBe(false);
  });

  it("a failed run rejects its callers only; the queued run still runs", async () => {
    const { flight, runs } = harness();
    const a = flight.request();
    await tick();
    const b = flight.request();
    runs[0]!.fail(new Error("boom"));
    await expect(a.promise).rejects.toThrow("boom");
    await tick();
    runs[1]!.finish("t2");
    expect(await b.promise).toBe("t2");
  });
});
