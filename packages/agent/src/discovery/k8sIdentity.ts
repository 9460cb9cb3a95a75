import type { K8sIdentity } from '@podscope/protocol';

// Labels (docker/dockershim, podman --label) and CRI annotations (containerd, CRI-O, podman kube play) that name the pod.
const namespaceKeys = ['io.kubernetes.pod.namespace', 'io.kubernetes.cri.sandbox-namespace'];
const podNameKeys = ['io.kubernetes.pod.name', 'io.kubernetes.cri.sandbox-name'];
const containerNameKeys = ['io.kubernetes.container.name', 'io.kubernetes.cri.container-name'];
const podUidKeys = ['io.kubernetes.pod.uid', 'io.kubernetes.cri.sandbox-uid'];

function first(keys: readonly string[], maps: readonly Record<string, string>[]): string | undefined {
  for (const map of maps) {
    for (const key of keys) {
      const v = map[key];
      if (v !== undefined && v !== '') return v;
    }
  }
  return undefined;
}

/**
 * The Kubernetes identity a container's labels and annotations carry, or null when it is not a pod's container.
 * A sandbox (pause) container has a pod but no container name; it is reported with the runtime name.
 */
export function k8sIdentityOf(
  labels: Record<string, string>,
  annotations: Record<string, string>,
  runtimeName: string,
  podUidFromCgroup?: string,
): K8sIdentity | null {
  const maps = [labels, annotations];
  const namespace = first(namespaceKeys, maps);
  const podName = first(podNameKeys, maps);
  if (namespace === undefined || podName === undefined) return null;
  const containerName = first(containerNameKeys, maps) ?? runtimeName;
  const podUid = first(podUidKeys, maps) ?? podUidFromCgroup;
  return podUid === undefined ? { namespace, podName, containerName } : { namespace, podName, containerName, podUid };
}

/** The image name a CRI runtime recorded in its annotations. */
export function imageFromAnnotations(annotations: Record<string, string>): string | undefined {
  return annotations['io.kubernetes.cri.image-name'] ?? annotations['io.kubernetes.cri-o.ImageName'] ?? annotations['io.kubernetes.cri-o.Image'];
}
