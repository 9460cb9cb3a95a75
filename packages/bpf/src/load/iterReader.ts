/**
 * Runs a BPF iterator once: bpf_iter_create on the attached link, then read() until EOF. The program
 * writes fixed-size `struct event` records with bpf_seq_write; they are decoded like ring records.
 */
import { closeSync, readSync } from 'node:fs';
import type { EventRecord } from '@podscope/protocol';
import type { EventDecoder } from '../spec/decoderGenerator.ts';
import { libbpf } from './libBpf.ts';

/** Hard stop for a runaway iterator (a kernel with millions of tasks still fits). */
const MAX_BYTES = 512 * 1024 * 1024;

export function readIterator(linkFd: number, recordSize: number, decode: EventDecoder): EventRecord[] {
  const fd = libbpf.iterCreate(linkFd);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
      total += n;
      if (total > MAX_BYTES) throw new Error(`iterator produced more than ${MAX_BYTES} bytes`);
    }
  } finally {
    closeSync(fd);
  }
  const all = Buffer.concat(chunks, total);
  const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
  const rows: EventRecord[] = [];
  for (let at = 0; at + recordSize <= all.length; at += recordSize) {
    const row = decode(view, all, at, recordSize);
    if (row) rows.push(row);
  }
  return rows;
}
