/**
 * SIGINT/SIGTERM handling for long-running commands, installed before anything starts: a signal
 * that arrives while the engine is still starting must still lead to a clean shutdown (our git
 * children killed and their leftovers removed), never to Node's default exit. A second signal is
 * left to Node's default handler: it exits at once.
 */
export interface StopSignal {
  /** Resolves with the first signal received. */
  readonly received: Promise<NodeJS.Signals>;
  /** The first signal, once received. */
  readonly signal: NodeJS.Signals | undefined;
  /** Removes the handlers (when the command ends without a signal). */
  dispose(): void;
}

export function onStopSignal(onSignal?: (signal: NodeJS.Signals) => void): StopSignal {
  let first: NodeJS.Signals | undefined;
  let resolve: (s: NodeJS.Signals) => void = () => {};
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    dispose();
    first = signal;
    onSignal?.(signal);
    resolve(signal);
  };
  const dispose = (): void => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return {
    received,
    get signal() {
      return first;
    },
    dispose,
  };
}
