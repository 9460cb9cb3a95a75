import { hostname } from 'node:os';

/** What the global setup tells the tests about the stack it started (passed through process.env). */
export interface StackInfo {
  url: string;
  username: string;
  password: string;
  node: string;
}

const keys = {
  url: 'PODSCOPE_E2E_URL',
  username: 'PODSCOPE_E2E_USER',
  password: 'PODSCOPE_E2E_PASSWORD',
  node: 'PODSCOPE_E2E_NODE',
} as const satisfies Record<keyof StackInfo, string>;

export function publishStackInfo(info: StackInfo): void {
  for (const [field, key] of Object.entries(keys)) process.env[key] = info[field as keyof StackInfo];
}

/** A stack described entirely by the environment (an externally started one), or undefined. */
export function stackInfoFromEnv(): StackInfo | undefined {
  const url = process.env[keys.url];
  const password = process.env[keys.password];
  if (url === undefined || url === '' || password === undefined || password === '') return undefined;
  const username = process.env[keys.username] || 'admin';
  const node = process.env[keys.node] || hostname();
  return { url, username, password, node };
}

export function stackInfo(): StackInfo {
  const read = (key: string): string => {
    const value = process.env[key];
    if (value === undefined || value === '') throw new Error(`${key} is unset: run the tests through playwright.config.ts (its global setup starts the stack)`);
    return value;
  };
  return { url: read(keys.url), username: read(keys.username), password: read(keys.password), node: read(keys.node) };
}
