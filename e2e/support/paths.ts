import { fileURLToPath } from 'node:url';

/** The e2e package directory and the repository root, whatever the working directory is. */
export const e2eDir = fileURLToPath(new URL('..', import.meta.url));
export const repoDir = fileURLToPath(new URL('../..', import.meta.url));
export const artifactsDir = fileURLToPath(new URL('../artifacts/', import.meta.url));
