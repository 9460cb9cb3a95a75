import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { parseAllDocuments } from 'yaml';
import { renderChart } from './helmSubset.ts';
import { Binding, ClusterRole, HelmValues, K8sObject, Secret, Service, Workload } from './k8sObjects.ts';

const deployDir = new URL('..', import.meta.url).pathname;
const NS = 'podscope';

/** The plain manifests as the real `kubectl kustomize` renders them. */
function kustomize(): K8sObject[] {
  const text = execFileSync('kubectl', ['kustomize', `${deployDir}manifests`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(text).map((d) => K8sObject.parse(d.toJS()));
}

const keyOf = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
function get<S extends z.ZodType>(objs: readonly K8sObject[], kind: string, name: string, schema: S): z.infer<S> {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`no ${kind}/${name} among ${objs.map(keyOf).join(', ')}`);
  return schema.parse(o);
}

const plain = kustomize();
const chart = renderChart(`${deployDir}helm/podscope`, NS);
const chartObjects = chart.objects.map((o) => K8sObject.parse(o));

const agentPod = (objs: readonly K8sObject[]) => get(objs, 'DaemonSet', 'podscope-agent', Workload).spec.template.spec;
const agent = (objs: readonly K8sObject[]) => agentPod(objs).containers[0]!;
const hubPod = (objs: readonly K8sObject[]) => get(objs, 'Deployment', 'podscope-hub', Workload).spec.template.spec;
const envOf = (c: ReturnType<typeof agent>): Record<string, unknown> => Object.fromEntries(c.env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe('deploy/manifests rendered by kubectl kustomize', () => {
  it('holds the agent DaemonSet, the hub Deployment + Service, RBAC and the token Secret, all in namespace podscope', () => {
    expect(plain.map(keyOf).sort()).toEqual([
      'ClusterRole/podscope-hub',
      'ClusterRoleBinding/podscope-hub',
      'DaemonSet/podscope-agent',
      'Deployment/podscope-hub',
      'Namespace/podscope',
      'PersistentVolumeClaim/podscope-hub-data',
      'Secret/podscope-agent-token',
      'Service/podscope-hub',
      'ServiceAccount/podscope-agent',
      'ServiceAccount/podscope-hub',
    ]);
    for (const o of plain) if (!['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) expect(o.metadata.namespace, keyOf(o)).toBe(NS);
  });

  it('runs the agent with hostPID and exactly the capabilities it needs, everything else dropped, not privileged', () => {
    const pod = agentPod(plain);
    expect(pod.hostPID).toBe(true);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.automountServiceAccountToken).toBe(false);
    const sc = agent(plain).securityContext;
    expect(sc?.privileged).toBeUndefined();
    expect(sc?.capabilities?.drop).toEqual(['ALL']);
    expect([...(sc?.capabilities?.add ?? [])].sort()).toEqual(['BPF', 'NET_RAW', 'PERFMON', 'SYS_ADMIN', 'SYS_PTRACE']);
    expect(sc?.readOnlyRootFilesystem).toBe(true);
  });

  it('documents each added capability next to it', () => {
    const source = readFileSync(`${deployDir}manifests/agent-daemonset.yaml`, 'utf8');
    // `# CAP: why` (possibly over several comment lines) right above `- CAP`.
    for (const cap of agent(plain).securityContext?.capabilities?.add ?? []) expect(source, cap).toMatch(new RegExp(`# ${cap}: \\S[^\\n]*\\n(\\s*#[^\\n]*\\n)*\\s*- ${cap}\\n`));
  });

  it("mounts BTF, tracefs, host /proc and the runtimes' state read-only, and no runtime socket", () => {
    const pod = agentPod(plain);
    const hostPaths = new Map(pod.volumes.flatMap((v) => (v.hostPath ? [[v.name, v.hostPath.path] as const] : [])));
    expect([...hostPaths.values()]).toEqual(
      expect.arrayContaining(['/sys/kernel/btf', '/sys/kernel/tracing', '/proc', '/run/containerd/io.containerd.runtime.v2.task', '/run/containers/storage', '/var/lib/containers/storage', '/var/lib/docker/containers']),
    );
    expect([...hostPaths.values()].filter((p) => p.endsWith('.sock'))).toEqual([]);
    for (const name of hostPaths.keys()) expect(agent(plain).volumeMounts.find((m) => m.name === name), name).toMatchObject({ readOnly: true });
    expect(envOf(agent(plain))).toMatchObject({ PODSCOPE_HOST_ROOT: '/host', PODSCOPE_PROC_ROOT: '/host/proc', PODSCOPE_NODE_NAME: { fieldRef: { fieldPath: 'spec.nodeName' } }, PODSCOPE_HUB_URL: 'ws://podscope-hub:7070/agent' });
    expect(agent(plain).volumeMounts.find((m) => m.mountPath === '/host/proc')).toBeDefined();
  });

  it('gives the hub only list/watch on namespaces, pods and nodes and create on subjectaccessreviews', () => {
    expect(get(plain, 'ClusterRole', 'podscope-hub', ClusterRole).rules).toEqual([
      { apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: ['list', 'watch'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
    expect(get(plain, 'ClusterRoleBinding', 'podscope-hub', Binding).subjects).toEqual([{ kind: 'ServiceAccount', name: 'podscope-hub', namespace: NS }]);
    expect(hubPod(plain).serviceAccountName).toBe('podscope-hub');
    // The agent never talks to the API server: no binding names its ServiceAccount, and it mounts no token.
    const subjects = plain.filter((o) => o.kind.endsWith('Binding')).flatMap((b) => Binding.parse(b).subjects);
    expect(subjects.some((s) => s.name === 'podscope-agent')).toBe(false);
  });

  it('keeps the agent token in a Secret that the hub and the agent both reference', () => {
    const secret = get(plain, 'Secret', 'podscope-agent-token', Secret);
    expect(Object.keys(secret.stringData ?? secret.data ?? {})).toEqual(['token']);
    expect(envOf(hubPod(plain).containers[0]!).PODSCOPE_AGENT_TOKEN).toEqual({ secretKeyRef: { name: 'podscope-agent-token', key: 'token' } });
    const vol = agentPod(plain).volumes.find((v) => v.secret !== undefined);
    expect(vol?.secret?.secretName).toBe('podscope-agent-token');
    const mount = agent(plain).volumeMounts.find((m) => m.name === vol?.name);
    expect(`${mount?.mountPath ?? '?'}/token`).toBe(envOf(agent(plain)).PODSCOPE_AGENT_TOKEN_FILE);
  });

  it('runs the hub as a non-root user with no capabilities, in cluster mode', () => {
    const pod = hubPod(plain);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001 });
    expect(pod.containers[0]!.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(envOf(pod.containers[0]!).PODSCOPE_KUBECONFIG).toBe('in-cluster');
    expect(get(plain, 'Service', 'podscope-hub', Service).spec.ports).toEqual([{ name: 'http', port: 7070, targetPort: 'http' }]);
  });
});

describe('deploy/helm/podscope agrees with the plain manifests', () => {
  /** What must not differ between the two: everything but labels, images and the token's value. */
  const comparable = (o: K8sObject): unknown => {
    const copy = structuredClone(o) as Record<string, unknown> & K8sObject;
    delete copy.metadata.labels;
    delete copy.data;
    delete copy.stringData;
    const workload = Workload.safeParse(copy);
    if (workload.success) {
      for (const c of workload.data.spec.template.spec.containers) {
        delete c.image;
        delete c.imagePullPolicy;
      }
      return workload.data;
    }
    return copy;
  };

  it('renders the same objects, field for field', () => {
    const fromChart = new Map(chartObjects.map((o) => [keyOf(o), o]));
    const expected = plain.filter((o) => o.kind !== 'Namespace'); // Helm installs into an existing namespace
    expect([...fromChart.keys()].sort()).toEqual(expected.map(keyOf).sort());
    for (const o of expected) expect(comparable(fromChart.get(keyOf(o))!), keyOf(o)).toEqual(comparable(o));
  });

  it('takes the capability list, the host paths and the RBAC rules from values.yaml', () => {
    const values = HelmValues.parse(chart.values);
    expect(values.agent.capabilities).toEqual(agent(plain).securityContext?.capabilities?.add);
    expect(values.hub.rbacRules).toEqual(get(plain, 'ClusterRole', 'podscope-hub', ClusterRole).rules);
    const hostVolumes = agentPod(plain).volumes.flatMap((v) => (v.hostPath ? [{ name: v.name, path: v.hostPath.path, type: v.hostPath.type }] : []));
    expect(values.agent.hostPaths.map((h) => ({ name: h.name, path: h.path, type: h.type }))).toEqual(hostVolumes);
  });

  it('makes a random agent token when none is given', () => {
    const secret = get(chartObjects, 'Secret', 'podscope-agent-token', Secret);
    expect(Buffer.from(secret.data?.token ?? '', 'base64').toString().length).toBeGreaterThanOrEqual(16);
  });
});
