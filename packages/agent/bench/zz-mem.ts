import { BenchStack, procPss, procUsage } from './benchStack.ts';
const stack = await BenchStack.start('memnode');
const pid = stack.agent.pid!;
const show = (what: string) => { const u = procUsage(pid); console.log(`${what.padEnd(28)} RSS ${(u.rssBytes/1048576).toFixed(0)} anon ${(u.anonBytes/1048576).toFixed(0)} PSS ${(procPss(pid)/1048576).toFixed(0)}`); };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
await sleep(3000); show('idle');
const runs = [];
for (const g of ['trace_open', 'trace_exec', 'trace_tcp']) { runs.push(await stack.startRun({ gadget: g, target: { host: true } })); await sleep(3000); show(`+ ${g}`); }
for (const r of runs) { await stack.stopRun(r.run.id); r.close(); }
await sleep(3000); show('all stopped');
stack.stop(); process.exit(0);
