// Legacy (unaggregated) discovery documents: enough for kubectl to map `pods`, `po`, `nodes`, `ns` to their paths.

const readVerbs = ['get', 'list', 'watch'];

export const versionInfo = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-podscope-test',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

export function coreVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export const coreV1Resources = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: readVerbs, shortNames: ['ns'] },
    { name: 'nodes', singularName: 'node', namespaced: false, kind: 'Node', verbs: readVerbs, shortNames: ['no'] },
    { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: readVerbs, shortNames: ['po'], categories: ['all'] },
    { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
    { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  ],
};

const authorizationGroupVersion = { groupVersion: 'authorization.k8s.io/v1', version: 'v1' };

export const apiGroups = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [{ name: 'authorization.k8s.io', versions: [authorizationGroupVersion], preferredVersion: authorizationGroupVersion }],
};

export const authorizationV1Resources = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [{ name: 'subjectaccessreviews', singularName: 'subjectaccessreview', namespaced: false, kind: 'SubjectAccessReview', verbs: ['create'] }],
};
