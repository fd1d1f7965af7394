/**
 * Talks to the simulation worker: one worker for single runs and one for sweeps, so a long sweep never
 * delays a run. Cancelling terminates the worker (a simulation is one synchronous loop) and the next
 * request starts a fresh one.
 */
import type { FromWorker, RunResults, Scenario, SweepResults, ToWorker } from "./types";

type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

type Pending = {
  resolve: (value: FromWorker) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total: number) => void;
};

export class CancelledError extends Error {
  constructor() {
    super("cancelled");
    this.name = "CancelledError";
  }
}

class WorkerChannel {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private get(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./sim.worker.ts", import.meta.url), { type: "module" });
    worker.addEventListener("message", (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      const entry = this.pending.get(message.id);
      if (!entry) return;
      if (message.type === "progress") {
        entry.onProgress?.(message.done, message.total);
        return;
      }
      this.pending.delete(message.id);
      if (message.type === "error") entry.reject(new Error(message.message));
      else entry.resolve(message);
    });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      this.fail(new Error(event.message || "the simulation worker failed"));
    });
    this.worker = worker;
    return worker;
  }

  request(message: WithoutId<ToWorker>, onProgress?: Pending["onProgress"]): Promise<FromWorker> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(onProgress ? { onProgress } : {}) });
      this.get().postMessage({ ...message, id } as ToWorker);
    });
  }

  get busy(): boolean {
    return this.pending.size > 0;
  }

  cancel(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.fail(new CancelledError());
  }

  private fail(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }
}

export class SimRunner {
  private readonly runs = new WorkerChannel();
  private readonly sweeps = new WorkerChannel();

  /** h1, h2 and h3 on the same scenario and seed, with their qlog traces. */
  async run(scenario: Scenario): Promise<{ results: RunResults; ms: number }> {
    const answer = await this.runs.request({ type: "run", scenario });
    if (answer.type !== "result") throw new Error(`unexpected answer ${answer.type}`);
    return { results: answer.results, ms: answer.ms };
  }

  /** The three protocols over `seeds` seeds (scenario.seed, scenario.seed + 1, ...). */
  async sweep(
    scenario: Scenario,
    seeds: number,
    onProgress: (done: number, total: number) => void,
  ): Promise<{ results: SweepResults; ms: number }> {
    const answer = await this.sweeps.request({ type: "sweep", scenario, seeds }, onProgress);
    if (answer.type !== "sweep-done") throw new Error(`unexpected answer ${answer.type}`);
    return { results: answer.results, ms: answer.ms };
  }

  get running(): boolean {
    return this.runs.busy;
  }

  get sweeping(): boolean {
    return this.sweeps.busy;
  }

  cancelRun(): void {
    this.runs.cancel();
  }

  cancelSweep(): void {
    this.sweeps.cancel();
  }

  dispose(): void {
    this.runs.cancel();
    this.sweeps.cancel();
  }
}
