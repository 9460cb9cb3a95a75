#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (packages export their sources; see docs/architecture.md).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
