import { randomBytes } from 'node:crypto';
import { expect, test } from '../support/fixtures.ts';
import { removeContainer, startPodContainer } from '../support/podman.ts';

// A namespace that had a pod when the user picked it, and has none when the run starts.
const namespace = `e2e-empty-${randomBytes(3).toString('hex')}`;
const target = { namespace, pod: 'gone-1', container: 'main' } as const;

test('starting a run on a namespace with no pods shows the error', async ({ loggedIn: live, hubApi }) => {
  const ctr = await startPodContainer(target);
  try {
    await hubApi.waitForPod(namespace, target.pod);
    await live.page.reload();
    await live.expectLoaded();
    await live.pickNamespace(namespace);
    await live.chooseGadget('trace_exec');
  } finally {
    await removeContainer(ctr.name);
  }
  await hubApi.waitForPod(namespace, target.pod, { present: false });

  await live.startRun();

  await expect(live.runError).toBeVisible();
  await expect(live.runError).toContainText(namespace);
  await expect(live.runState).not.toHaveText(/running/i);
  await expect(live.rows).toHaveCount(0);
});
