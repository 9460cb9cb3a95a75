import { z } from 'zod';

// Runtime state files and CLI output are untrusted input: parse them, keep only what discovery needs.
export const StringMap = z.record(z.string(), z.string());
const stringMap = StringMap;

/** OCI runtime bundle `config.json` (containerd, CRI-O, podman). */
export const OciBundleConfig = z.object({
  annotations: stringMap.optional().nullable(),
  linux: z.object({ cgroupsPath: z.string().optional() }).loose().optional(),
}).loose();
export type OciBundleConfig = z.infer<typeof OciBundleConfig>;

/** Docker's `/var/lib/docker/containers/<id>/config.v2.json`. */
export const DockerConfigV2 = z.object({
  ID: z.string(),
  Name: z.string().optional(),
  Config: z.object({ Image: z.string().optional(), Labels: stringMap.nullable().optional() }).loose().optional(),
  State: z.object({ Pid: z.number().optional(), Running: z.boolean().optional(), StartedAt: z.string().optional() }).loose().optional(),
}).loose();
export type DockerConfigV2 = z.infer<typeof DockerConfigV2>;

/** One entry of `podman ps --all --format json`. */
export const PodmanPsEntry = z.object({
  Id: z.string(),
  Names: z.array(z.string()).nullable().optional(),
  Image: z.string().optional(),
  Labels: stringMap.nullable().optional(),
  Pid: z.number().optional(),
  State: z.string().optional(),
  StartedAt: z.number().optional(),
  IsInfra: z.boolean().optional(),
  PodName: z.string().optional(),
}).loose();
export const PodmanPs = z.array(PodmanPsEntry);
export type PodmanPsEntry = z.infer<typeof PodmanPsEntry>;

/** One entry of `podman inspect <id>`. */
export const PodmanInspectEntry = z.object({
  Id: z.string(),
  Name: z.string().optional(),
  ImageName: z.string().optional(),
  State: z.object({ Pid: z.number().optional(), Running: z.boolean().optional(), StartedAt: z.string().optional(), CgroupPath: z.string().optional() }).loose().optional(),
  Config: z.object({ Labels: stringMap.nullable().optional(), Annotations: stringMap.nullable().optional() }).loose().optional(),
  OCIConfigPath: z.string().optional(),
  IsInfra: z.boolean().optional(),
}).loose();
export const PodmanInspect = z.array(PodmanInspectEntry);
export type PodmanInspectEntry = z.infer<typeof PodmanInspectEntry>;

/** The part of `podman info --format json` that says where containers live. */
export const PodmanInfo = z.object({
  store: z.object({ graphRoot: z.string(), runRoot: z.string() }).loose(),
}).loose();

/** Parses JSON text with a schema; null when the text is not JSON or does not match. */
export function parseJsonWith<T>(schema: z.ZodType<T>, text: string): T | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
