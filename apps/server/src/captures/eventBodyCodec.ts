import { Packr, Unpackr } from 'msgpackr';
import type { EventRecord } from '@podscope/protocol';
import { readMetaRows, writeMetaRows, type Db } from './captureDb.ts';

// Event bodies are msgpack records whose key lists ("structures") are stored once per capture in
// meta, so a row costs little more than its values. New structures are saved inside the same
// transaction as the rows that use them, so a crash never leaves a row without its structure.
type Structures = unknown[][];

const MAX_SHARED_STRUCTURES = 1024;

export function storedStructures(db: Db): Structures {
  const v = readMetaRows(db).get('structures');
  return Array.isArray(v) ? v.filter((s): s is unknown[] => Array.isArray(s)) : [];
}

/** Saves the structures (as the JSON stored in meta) in the transaction of the rows that use them. */
export type SaveStructures = (structuresJson: string) => void;

/** Encodes event bodies for one capture file; call inside the write transaction. */
export class EventBodyEncoder {
  private readonly packr: Packr;

  /**
   * With a database: new structures are written to it at once (the caller is inside its transaction).
   * With stored structures and a `save` callback: the caller commits them with the rows (another thread may).
   */
  constructor(db: Db);
  constructor(structures: unknown[][], save: SaveStructures);
  constructor(source: Db | unknown[][], save?: SaveStructures) {
    let structures: Structures;
    let persist: SaveStructures;
    if (Array.isArray(source)) {
      structures = source;
      persist = save ?? (() => undefined);
    } else {
      const put = source.prepare('INSERT INTO meta (key, value) VALUES (\'structures\', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
      structures = storedStructures(source);
      persist = (json) => void put.run(json);
    }
    this.packr = new Packr({
      structures,
      maxSharedStructures: MAX_SHARED_STRUCTURES,
      saveStructures: (updated: Structures) => {
        persist(JSON.stringify(updated));
        return true;
      },
      moreTypes: false,
      int64AsType: 'number',
    });
  }

  encode(event: EventRecord): Buffer {
    return this.packr.pack(event);
  }
}

/** Decodes event bodies of one capture file; reloads structures a live writer added meanwhile. */
export class EventBodyDecoder {
  private readonly unpackr: Unpackr;

  constructor(db: Db) {
    this.unpackr = new Unpackr({
      structures: storedStructures(db),
      maxSharedStructures: MAX_SHARED_STRUCTURES,
      getStructures: () => storedStructures(db),
      mapsAsObjects: true,
      int64AsType: 'number',
    });
  }

  decode(body: Uint8Array): EventRecord {
    return this.unpackr.unpack(body) as EventRecord;
  }
}

/** Writes the initial structures row so a fresh file always has one. */
export function initStructures(db: Db): void {
  if (!readMetaRows(db).has('structures')) writeMetaRows(db, { structures: [] });
}
