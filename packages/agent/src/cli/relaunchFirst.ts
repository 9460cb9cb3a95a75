// Imported first by cli.ts: ES modules evaluate in import order, so the relaunch happens before any other module
// (zod schemas, libbpf) has done work that would be thrown away.
import { relaunchWithAgentRuntime } from './nodeRuntime.ts';

relaunchWithAgentRuntime();
