import type { ContainerRuntime } from '@podscope/protocol';

/** What a container runtime knows about one container, before it is joined with /proc data. */
export interface RuntimeRecord {
  id: string;
  name: string;
  runtime: ContainerRuntime;
  image: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  pid?: number;
  startedAt?: number;
}

/** One runtime's way of looking a container up by id. */
export interface RuntimeResolver {
  readonly runtime: ContainerRuntime;
  /** null when this runtime does not know the id (or is not installed). */
  lookup(id: string): Promise<RuntimeRecord | null>;
}

export function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isFinite(t) && t > 0 ? t : undefined;
}
