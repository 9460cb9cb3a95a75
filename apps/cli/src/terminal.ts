import { toErrorEnvelope } from '@podscope/protocol';

type Out = NodeJS.WritableStream & { writableLength: number };

/** Where the plugin writes: data on stdout, everything about it on stderr, errors as kubectl writes them. */
export interface Terminal {
  out: Out;
  info(line: string): void;
  warn(line: string): void;
}

export function processTerminal(): Terminal {
  return {
    out: process.stdout,
    info: (line) => void process.stderr.write(`${line}\n`),
    warn: (line) => void process.stderr.write(`Warning: ${line}\n`),
  };
}

/** kubectl's error line: `error: <message>`, one line, lower-case prefix. */
export function errorLine(err: unknown): string {
  const env = toErrorEnvelope(err);
  return `error: ${env.message.replace(/\s*\n\s*/g, ' ')}`;
}
