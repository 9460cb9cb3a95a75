// The parts of rendered Kubernetes objects the deploy tests read, as zod schemas (the rest passes through).
import { z } from 'zod';

export const Meta = z.looseObject({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() });
export const K8sObject = z.looseObject({ kind: z.string(), metadata: Meta });
export type K8sObject = z.infer<typeof K8sObject>;

export const EnvVar = z.object({ name: z.string(), value: z.string().optional(), valueFrom: z.record(z.string(), z.unknown()).optional() });
export const VolumeMount = z.looseObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() });
export const Capabilities = z.object({ drop: z.array(z.string()).optional(), add: z.array(z.string()).optional() });
export const Container = z.looseObject({
  name: z.string(),
  env: z.array(EnvVar).default([]),
  volumeMounts: z.array(VolumeMount).default([]),
  securityContext: z.looseObject({ privileged: z.boolean().optional(), readOnlyRootFilesystem: z.boolean().optional(), capabilities: Capabilities.optional() }).optional(),
});
export const Volume = z.looseObject({
  name: z.string(),
  hostPath: z.object({ path: z.string(), type: z.string().optional() }).optional(),
  secret: z.looseObject({ secretName: z.string() }).optional(),
});
export const PodSpec = z.looseObject({
  hostPID: z.boolean().optional(),
  hostNetwork: z.boolean().optional(),
  automountServiceAccountToken: z.boolean().optional(),
  serviceAccountName: z.string().optional(),
  securityContext: z.record(z.string(), z.unknown()).optional(),
  containers: z.array(Container).min(1),
  volumes: z.array(Volume).default([]),
});
export const Workload = K8sObject.extend({ spec: z.looseObject({ template: z.looseObject({ spec: PodSpec }) }) });
export const PolicyRule = z.object({ apiGroups: z.array(z.string()), resources: z.array(z.string()), verbs: z.array(z.string()) });
export const ClusterRole = K8sObject.extend({ rules: z.array(PolicyRule) });
export const Subject = z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() });
export const Binding = K8sObject.extend({ subjects: z.array(Subject) });
export const Secret = K8sObject.extend({ data: z.record(z.string(), z.string()).optional(), stringData: z.record(z.string(), z.string()).optional() });
export const Service = K8sObject.extend({ spec: z.looseObject({ ports: z.array(z.record(z.string(), z.unknown())) }) });

export const HelmValues = z.looseObject({
  hub: z.looseObject({ rbacRules: z.array(PolicyRule) }),
  agent: z.looseObject({
    capabilities: z.array(z.string()),
    hostPaths: z.array(z.object({ name: z.string(), path: z.string(), mountPath: z.string(), type: z.string() })),
  }),
});
