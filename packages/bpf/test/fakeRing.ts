/**
 * A memfd laid out like a BPF ring buffer map (consumer page, producer page, data area twice),
 * so RingReader's record walk can be tested without root or a kernel ring.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const memfdCreate = libc.func('int memfd_create(const char *name, unsigned int flags)');
const ftruncate = libc.func('int ftruncate(int fd, long length)');

const PAGE = 4096;
export const BUSY = 0x80000000;
export const DISCARD = 0x40000000;

export class FakeRing {
  readonly fd: number;
  private producer = 0;

  constructor(readonly size: number) {
    this.fd = memfdCreate('podscope-fake-ring', 0) as number;
    if (this.fd < 0) throw new Error('memfd_create failed');
    if ((ftruncate(this.fd, 2 * PAGE + 2 * size) as number) !== 0) throw new Error('ftruncate failed');
  }

  /** Appends a record whose payload is one u32; returns the record's header position. */
  push(value: number, flags = 0, payloadLen = 4): number {
    const at = this.producer;
    const header = Buffer.alloc(8 + Math.max(4, payloadLen));
    header.writeUInt32LE((payloadLen | flags) >>> 0, 0);
    header.writeUInt32LE(value, 8);
    this.writeData(at, header);
    this.producer += (payloadLen + 8 + 7) & ~7;
    this.writeU64(PAGE, this.producer);
    return at;
  }

  /** Appends a record with the given payload bytes. */
  pushBytes(payload: Buffer): number {
    const at = this.producer;
    const rec = Buffer.alloc(8 + payload.length);
    rec.writeUInt32LE(payload.length, 0);
    payload.copy(rec, 8);
    this.writeData(at, rec);
    this.producer += (payload.length + 8 + 7) & ~7;
    this.writeU64(PAGE, this.producer);
    return at;
  }

  /** Rewrites a header's flags, as bpf_ringbuf_submit/discard do. */
  setFlags(at: number, payloadLen: number, flags: number): void {
    const h = Buffer.alloc(4);
    h.writeUInt32LE((payloadLen | flags) >>> 0, 0);
    this.writeData(at, h);
  }

  /** Moves both positions, e.g. to make the next record wrap around the end. */
  seek(pos: number): void {
    this.producer = pos;
    this.writeU64(0, pos);
    this.writeU64(PAGE, pos);
  }

  consumer(): number {
    const b = Buffer.alloc(8);
    readSync(this.fd, b, 0, 8, 0);
    return Number(b.readBigUint64LE(0));
  }

  close(): void {
    closeSync(this.fd);
  }

  private writeU64(fileOffset: number, v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUint64LE(BigInt(v));
    writeSync(this.fd, b, 0, 8, fileOffset);
  }

  /** The kernel maps the data area twice; mimic it by writing the bytes to both copies. */
  private writeData(pos: number, bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) {
      const off = (pos + i) % this.size;
      writeSync(this.fd, bytes, i, 1, 2 * PAGE + off);
      writeSync(this.fd, bytes, i, 1, 2 * PAGE + this.size + off);
    }
  }
}
