import { join } from 'node:path';
import { expect, test } from '../support/fixtures.ts';
import { artifactsDir } from '../support/paths.ts';
import { execInContainer, removeContainer, startPodContainer, type PodContainer } from '../support/podman.ts';

const target = { namespace: 'demo', pod: 'web-1', container: 'web' } as const;
let ctr: PodContainer | undefined;

test.beforeAll(async ({ hubApi }) => {
  ctr = await startPodContainer(target);
  // The agent must have reported the pod before the picker can offer it.
  await hubApi.waitForPod(target.namespace, target.pod);
});

test.afterAll(async () => {
  if (ctr) await removeContainer(ctr.name);
});

test('trace_exec on pod demo/web-1 shows `ls /` run by podman exec', async ({ loggedIn: live, page }) => {
  if (!ctr) throw new Error('the test container did not start');
  await live.pickPod(target.namespace, target.pod);
  await live.chooseGadget('trace_exec');
  await live.startRun();
  await expect(live.runError).toHaveCount(0);
  await expect(live.runState).toHaveText(/running/i);

  await execInContainer(ctr.name, ['ls', '/']);

  const row = live.rowsWith({ 'k8s.podName': target.pod, args: 'ls /' });
  await expect(row.first()).toBeVisible();
  await expect(row.first().locator('[data-field="k8s.namespace"]')).toHaveText(target.namespace);
  await expect(row.first().locator('[data-field="k8s.containerName"]')).toHaveText(target.container);
  await page.screenshot({ path: join(artifactsDir, 'trace-exec.png'), fullPage: true });

  await live.stopRun();
});
