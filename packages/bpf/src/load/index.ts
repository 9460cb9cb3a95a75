export { UnsupportedError } from './errors.ts';
export { RingReader, type RingReaderOptions } from './ringReader.ts';
export { startCompiledGadget, ringSizeFor, DEFAULT_RING_SIZE, type RunningGadget, type StartOptions, type MountNsSelection } from './gadgetRunner.ts';
export { MountNsVerdicts } from './mountNsVerdicts.ts';
export { bootTimeOffsetNs } from './libc.ts';
export { kernelFilterableFields, KernelFilterPlan, type KernelFilter, type KernelFilterPlacement } from './kernelFilter.ts';
export { PerCpuCounter } from './perCpuCounter.ts';
