// The podscope side of the capture benchmark, as its own process so its CPU is measured alone: a PacketSocket in the
// network namespace of PID on IFACE, every packet decoded and base64-copied as the tcpdump gadget does, and written
// as pcap-ng to /dev/null. Prints JSON counters on SIGINT.
import { openSync, writeSync } from 'node:fs';
import { compilePacketFilter } from '../src/load/libPcap.ts';
import { PacketSocket } from '../src/load/packetSocket.ts';
import { decodePacket } from '../src/spec/packetDecode.ts';
import { PcapngWriter } from '../src/spec/pcapng.ts';

const [pid, iface, expr] = process.argv.slice(2);
const out = openSync('/dev/null', 'w');
const writer = new PcapngWriter((chunk) => void writeSync(out, chunk), 262144);
const s = PacketSocket.open({ pid: Number(pid), interface: iface!, filter: compilePacketFilter(expr ?? '', 262144), blockSize: Number(process.env.PCAP_BENCH_BLOCK ?? 1 << 20), blockCount: Number(process.env.PCAP_BENCH_BLOCKS ?? 8) });
const id = writer.interfaceId('bench', { name: iface! });
let captured = 0;
let decodedBytes = 0;
const timer = setInterval(() => {
  // One write per drain, as tcpdump -w buffers its output.
  writer.batch(() =>
    s.drain((p) => {
      const d = decodePacket(p.data, p.len);
      decodedBytes += d.summary.length + Buffer.from(p.data.buffer, p.data.byteOffset, p.data.byteLength).toString('base64').length;
      writer.packet({ interfaceId: id, tsNs: BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec), len: p.len, data: p.data });
      captured++;
    }),
  );
}, 5);
process.stdout.write('ready\n');
process.on('SIGINT', () => {
  clearInterval(timer);
  setTimeout(() => {
    s.drain(() => void captured++);
    const st = s.stats();
    process.stdout.write(JSON.stringify({ captured, kernelPackets: st.packets, drops: st.drops, freezes: st.freezes, decodedBytes }) + '\n');
    s.close();
    process.exit(0);
  }, 50);
});
