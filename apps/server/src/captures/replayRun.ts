import { PodscopeError, type CaptureMeta, type EventRecord, type ReplayControl, type ReplaySpeed, type ReplayStatus } from '@podscope/protocol';
import type { RunManager } from '../runManager.ts';
import type { RunRecord } from '../runRecord.ts';
import { readStats } from './captureDb.ts';
import type { CaptureReader } from './captureStore.ts';

const TICK_MS = 20;
/** Rows read per tick; at 'max' speed this bounds the replay to ~250k events/s so the fan-out keeps up. */
const ROWS_PER_TICK = 5_000;

interface Row {
  id: number;
  ts: number;
  node: string;
  body: Buffer;
}

/**
 * Plays a capture back into a pseudo-run in time order, paced by event time × speed (or as fast as the
 * fan-out takes it). The run is an ordinary run to subscribers, so every live view works on it.
 */
export class ReplayRun {
  readonly run: RunRecord;
  private speed: ReplaySpeed;
  private paused = false;
  private done = false;
  private played = 0;
  /** Last row played, as (ts, id): rows are read strictly after it. */
  private cursor: { ts: number; id: number };
  /** Event time that corresponds to wall time `anchorWall`. */
  private anchorNs: number;
  private anchorWall: number;
  private readonly firstNs: number;
  private readonly lastNs: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runs: RunManager,
    private readonly reader: CaptureReader,
    meta: CaptureMeta,
    opts: { speed: ReplaySpeed; from?: number | undefined; user: string },
    private readonly now: () => number = Date.now,
  ) {
    const stats = readStats(reader.db);
    if (stats.firstNs === null || stats.lastNs === null) throw new PodscopeError('conflict', `capture ${meta.id} has no events to replay`);
    this.firstNs = stats.firstNs;
    this.lastNs = stats.lastNs;
    this.speed = opts.speed;
    const start = Math.min(Math.max(opts.from ?? this.firstNs, this.firstNs), this.lastNs);
    this.cursor = { ts: start, id: 0 };
    this.anchorNs = start;
    this.anchorWall = now();
    this.run = runs.createReplay(meta.request, opts.user, meta.id, meta.nodes);
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  get runId(): string {
    return this.run.id;
  }

  get finished(): boolean {
    return !this.run.active;
  }

  status(): ReplayStatus {
    return {
      runId: this.run.id,
      captureId: this.reader.id,
      speed: this.speed,
      paused: this.paused,
      done: this.done,
      positionNs: this.position(),
      firstNs: this.firstNs,
      lastNs: this.lastNs,
      played: this.played,
    };
  }

  control(c: ReplayControl): ReplayStatus {
    if (this.finished) throw new PodscopeError('conflict', `replay ${this.run.id} has ended`);
    const position = this.position();
    switch (c.action) {
      case 'pause':
        if (!this.paused) this.reanchor(position);
        this.paused = true;
        break;
      case 'resume':
        if (this.paused) this.reanchor(this.anchorNs);
        this.paused = false;
        break;
      case 'seek': {
        const ns = Math.min(Math.max(c.position, this.firstNs), this.lastNs);
        this.cursor = { ts: ns, id: 0 };
        this.reanchor(ns);
        this.done = false;
        break;
      }
      case 'speed':
        this.speed = c.speed;
        this.reanchor(position);
        break;
    }
    return this.status();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.reader.db.open) this.reader.db.close();
  }

  /** Event time the replay has reached. */
  private position(): number {
    if (this.done) return this.lastNs;
    if (this.paused) return this.anchorNs;
    if (this.speed === 'max') return this.cursor.ts;
    return Math.min(this.lastNs, this.targetNs());
  }

  private targetNs(): number {
    const speed = this.speed === 'max' ? Infinity : this.speed;
    return this.anchorNs + (this.now() - this.anchorWall) * 1e6 * speed;
  }

  private reanchor(ns: number): void {
    this.anchorNs = ns;
    this.anchorWall = this.now();
  }

  private tick(): void {
    if (this.finished) return this.stop();
    if (this.paused || this.done) return;
    // Plays only while someone watches, so a viewer that subscribes after the replay was created misses nothing.
    if (this.run.subscribers.size === 0) return this.reanchor(this.position());
    try {
      this.playDue();
    } catch {
      // The capture became unreadable (e.g. deleted): end the pseudo-run rather than spin.
      this.runs.stop(this.run.id);
      this.stop();
    }
  }

  private playDue(): void {
    const upTo = this.speed === 'max' ? Number.MAX_VALUE : this.targetNs();
    const rows = this.reader.db
      .prepare<[number, number, number, number, number], Row>('SELECT id, ts, node, body FROM events WHERE (ts > ? OR (ts = ? AND id > ?)) AND ts <= ? ORDER BY ts, id LIMIT ?')
      .all(this.cursor.ts, this.cursor.ts, this.cursor.id, upTo, ROWS_PER_TICK);
    let node = '';
    let batch: EventRecord[] = [];
    const flush = (): void => {
      if (batch.length > 0) this.runs.emit(this.run, node, batch);
      batch = [];
    };
    for (const r of rows) {
      if (r.node !== node) flush();
      node = r.node;
      batch.push(this.reader.decoder.decode(r.body));
    }
    flush();
    const last = rows[rows.length - 1];
    if (last !== undefined) this.cursor = { ts: last.ts, id: last.id };
    this.played += rows.length;
    if (rows.length < ROWS_PER_TICK && upTo >= this.lastNs) {
      // The whole capture has played: the pseudo-run ends (its viewers see it stop, like a live run's end).
      this.done = true;
      this.runs.stop(this.run.id);
      this.stop();
    }
  }
}

/** Ended replays whose status stays readable (the player shows "done"), newest kept. */
const KEEP_ENDED = 16;

/** The replays in progress, and the last ended ones, by pseudo-run id. */
export class ReplayRegistry {
  private readonly replays = new Map<string, ReplayRun>();

  add(r: ReplayRun): void {
    this.prune();
    this.replays.set(r.runId, r);
  }

  /** A replay's status and controls; an ended one still answers its status (controls refuse with a conflict). */
  get(runId: string): ReplayRun {
    const r = this.replays.get(runId);
    if (r === undefined) throw new PodscopeError('not_found', `no replay with run id ${runId}`, { runId });
    return r;
  }

  close(): void {
    for (const r of this.replays.values()) r.stop();
    this.replays.clear();
  }

  private prune(): void {
    const ended = [...this.replays].filter(([, r]) => r.finished);
    for (const [id, r] of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) {
      r.stop();
      this.replays.delete(id);
    }
  }
}
