import { describe, expect, it } from 'vitest';
import { gadgetSpecOf } from '../../src/catalog.ts';

// A variable-size trace_io record decodes from its header plus only the captured bytes (never past the record).
describe('trace_io records', () => {
  const spec = gadgetSpecOf('trace_io');
  const at = (name: string): number => {
    const f = spec.event.fields.find((x) => x.name === name);
    if (!f) throw new Error(`no member ${name}`);
    return f.offset;
  };
  const dataAt = at('data');

  function record(fill: (view: DataView, bytes: Uint8Array) => void, payload: string): Uint8Array {
    const bytes = new Uint8Array(dataAt + payload.length + 3); // +3: ring padding after the record's end
    const view = new DataView(bytes.buffer);
    fill(view, bytes);
    bytes.set(Buffer.from(payload, 'latin1'), dataAt);
    view.setInt32(at('data_len'), payload.length, true);
    bytes.fill(0x41, dataAt + payload.length); // must not leak into data
    return bytes;
  }

  it('decodes a socket read: base64 data of data_len bytes, endpoints and "laddr->raddr"', () => {
    const payload = 'HTTP/1.0 200 OK\r\ntext/plain: Content-type\r\n\r\n';
    const bytes = record((view, b) => {
      view.setUint32(at('op'), 0, true); // READ
      view.setInt32(at('fd'), 7, true);
      view.setUint32(at('retval'), 300, true);
      view.setUint32(at('bytes'), 300, true);
      view.setUint32(at('fdi.type'), 2, true); // socket
      view.setUint8(at('fdi.proto'), 6);
      view.setUint8(at('fdi.family'), 2);
      b.set([10, 0, 0, 5], at('fdi.laddr.addr'));
      view.setUint16(at('fdi.laddr.port'), 41000, true);
      view.setUint8(at('fdi.laddr.version'), 4);
      b.set([10, 0, 0, 6], at('fdi.raddr.addr'));
      view.setUint16(at('fdi.raddr.port'), 8080, true);
      view.setUint8(at('fdi.raddr.version'), 4);
      view.setUint8(at('data_truncated'), 1);
    }, payload);
    const ev = spec.decoder(0).decode(new DataView(bytes.buffer), bytes, 0, dataAt + payload.length);
    expect(ev).toMatchObject({
      op: 'READ',
      fd: 7,
      bytes: 300,
      error: '',
      'fd.type': 'socket',
      'fd.proto': 'TCP',
      laddr: '10.0.0.5:41000',
      raddr: '10.0.0.6:8080',
      'fd.name': '10.0.0.5:41000->10.0.0.6:8080',
      data_len: payload.length,
      data_truncated: true,
    });
    expect(Buffer.from(String(ev?.['data']), 'base64').toString('latin1')).toBe(payload);
  });

  it('names pipes by inode, clears endpoints of files, and clamps a lying data_len to the record', () => {
    const bytes = record((view) => {
      view.setUint32(at('op'), 1, true); // WRITE
      view.setUint32(at('fdi.type'), 3, true); // pipe
      view.setUint32(at('fdi.ino'), 4242, true);
    }, 'abc');
    const decode = spec.decoder(0).decode;
    const view = new DataView(bytes.buffer);
    view.setInt32(at('data_len'), 5000, true);
    const ev = decode(view, bytes, 0, dataAt + 3);
    expect(ev).toMatchObject({ op: 'WRITE', 'fd.type': 'pipe', 'fd.name': 'pipe:[4242]', laddr: '', raddr: '', 'fd.proto': '' });
    expect(Buffer.from(String(ev?.['data']), 'base64').toString('latin1')).toBe('abc');
    expect(decode(view, bytes, 0, dataAt - 1)).toBeNull();
  });
});
