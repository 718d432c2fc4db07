/**
 * Single-flight with one queued follower. A caller joins the run that has not yet started reading
 * the work tree (so its result is fresh for the caller); while a run is reading, new callers share
 * one queued run that starts when the current one settles. So any burst costs at most two runs,
 * and every caller gets a tree written after it asked.
 */

/** Executes one run; must call `started()` right before it first reads the work tree. */
export type Executor<T> = (started: () => void) => Promise<T>;

interface Run<T> {
  promise: Promise<T>;
}

export class Flight<T> {
  readonly #exec: Executor<T>;
  /** The run callers may still join (not reading the work tree yet). */
  #joinable: Run<T> | undefined;
  /** The run currently reading the work tree. */
  #reading: Run<T> | undefined;

  constructor(exec: Executor<T>) {
    this.#exec = exec;
  }

  /** True while a run is in progress or queued. */
  get busy(): boolean {
    return this.#joinable !== undefined || this.#reading !== undefined;
  }

  /** Joins or starts a run. `joined` is true when the caller shares a run someone else started. */
  request(): { promise: Promise<T>; joined: boolean } {
    if (this.#joinable) return { promise: this.#joinable.promise, joined: true };
    const before = this.#reading?.promise;
    const run = {} as Run<T>;
    const go = (): Promise<T> => this.#start(run);
    this.#joinable = run;
    run.promise = before ? before.then(go, go) : go();
    return { promise: run.promise, joined: false };
  }

  #start(run: Run<T>): Promise<T> {
    const started = (): void => {
      if (this.#joinable === run) this.#joinable = undefined;
      this.#reading = run;
    };
    const settle = (): void => {
      if (this.#joinable === run) this.#joinable = undefined;
      if (this.#reading === run) this.#reading = undefined;
    };
    let p: Promise<T>;
    try {
      p = this.#exec(started);
    } catch (error) {
      p = Promise.reject(error);
    }
    return p.finally(settle);
  }
}
