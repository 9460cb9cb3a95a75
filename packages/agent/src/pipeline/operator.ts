/** One stage of a run (IG's operator lifecycle): start in order, stop in reverse, and close always runs. */
export interface Operator {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Releases resources; runs for every operator, even when starting or stopping failed. */
  close(): Promise<void>;
}

/** Runs a list of operators through their lifecycle. */
export class OperatorChain {
  private started: Operator[] = [];
  private closed = false;

  constructor(private readonly operators: readonly Operator[]) {}

  /** Starts each operator in order; on a failure, stops the started ones and closes all, then rethrows. */
  async start(): Promise<void> {
    for (const op of this.operators) {
      try {
        await op.start();
        this.started.push(op);
      } catch (err) {
        await this.stop();
        throw err;
      }
    }
  }

  /** Stops the started operators in reverse, then closes every operator in reverse; idempotent. Throws the first error after all ran. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const errors: unknown[] = [];
    for (const op of [...this.started].reverse()) {
      try {
        await op.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    this.started = [];
    for (const op of [...this.operators].reverse()) {
      try {
        await op.close();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
  }
}
