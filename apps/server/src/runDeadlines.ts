import type { RunInfo } from '@podscope/protocol';
import type { Logger } from './logger.ts';
import type { RunManager } from './runManager.ts';

/** Stops runs created with `durationSec` once it has passed (like `kubectl capture -M`, for plain runs). */
export class RunDeadlines {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly runs: Pick<RunManager, 'get' | 'stop'>,
    private readonly logger: Logger,
  ) {}

  /** Arms the run's deadline when its request has a duration; returns the run unchanged. */
  schedule(run: RunInfo): RunInfo {
    const seconds = run.request.durationSec;
    if (seconds === undefined) return run;
    const timer = setTimeout(() => {
      this.timers.delete(run.id);
      try {
        const now = this.runs.get(run.id);
        if (now.state === 'starting' || now.state === 'running') this.runs.stop(run.id);
      } catch (err) {
        // The run is gone already (forgotten after it finished).
        this.logger.warn(`run ${run.id} could not be stopped at its deadline: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, seconds * 1000);
    timer.unref();
    this.timers.set(run.id, timer);
    return run;
  }

  close(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
