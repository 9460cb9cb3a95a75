import type { GadgetHost } from './pipeline/gadgetHost.ts';

/** The real eBPF loader, imported on first use so discovery-only commands never load libbpf. */
export async function loadBpfHost(): Promise<GadgetHost> {
  const bpf = await import('@podscope/bpf');
  // Marks gadgets whose kernel features are missing as unavailable (with the reason) before anyone lists them.
  const features = await bpf.probeFeatures();
  const host: GadgetHost = { catalog: bpf.gadgetCatalog, startGadget: bpf.startGadget, kernelFilterableFields: bpf.kernelFilterableFields, features };
  return host;
}
