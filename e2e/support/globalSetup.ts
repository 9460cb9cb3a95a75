import type { FullConfig } from '@playwright/test';
import { startStack } from './stack.ts';
import { publishStackInfo, stackInfoFromEnv } from './stackInfo.ts';
import { buildTestImage } from './podman.ts';

/**
 * Starts the real stack once for the whole run; the returned function is Playwright's teardown.
 * To test a stack that is already running, set PODSCOPE_E2E_URL, PODSCOPE_E2E_PASSWORD (and
 * optionally PODSCOPE_E2E_USER, PODSCOPE_E2E_NODE) before starting Playwright.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  await buildTestImage();
  const external = stackInfoFromEnv();
  if (external !== undefined) {
    publishStackInfo(external);
    return async () => {};
  }
  const stack = await startStack();
  // Workers inherit the environment of the main process, so this is how the tests learn the stack.
  publishStackInfo(stack.info);
  return () => stack.stop();
}
