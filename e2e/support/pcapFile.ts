/** A classic little-endian pcap of `count` Ethernet/IPv4/UDP packets `hello <i>`, 50 per second, ending a minute ago. */
export function udpPcap(count: number): Buffer {
  const packets: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  packets.push(header);
  const start = Math.floor(Date.now() / 1000) - 60 - Math.ceil(count / 50);
  for (let i = 0; i < count; i++) {
    const payload = Buffer.from(`hello ${i}`);
    const udp = Buffer.alloc(8);
    udp.writeUInt16BE(1000 + (i % 7), 0);
    udp.writeUInt16BE(53, 2);
    udp.writeUInt16BE(8 + payload.length, 4);
    const ip = Buffer.alloc(20);
    ip.writeUInt8(0x45, 0);
    ip.writeUInt16BE(20 + udp.length + payload.length, 2);
    ip.writeUInt8(64, 8);
    ip.writeUInt8(17, 9);
    Buffer.from([10, 0, 0, 1 + (i % 5)]).copy(ip, 12);
    Buffer.from([10, 0, 0, 200]).copy(ip, 16);
    const eth = Buffer.from('00112233445566778899aabb0800', 'hex');
    const frame = Buffer.concat([eth, ip, udp, payload]);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(start + Math.floor(i / 50), 0);
    rec.writeUInt32LE((i % 50) * 20_000, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    packets.push(rec, frame);
  }
  return Buffer.concat(packets);
}
