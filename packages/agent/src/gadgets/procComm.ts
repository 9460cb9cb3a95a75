import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** /proc/<pid>/comm without its newline, or null when the process is gone. */
export async function readComm(procRoot: string, pid: number): Promise<string | null> {
  try {
    return (await readFile(join(procRoot, String(pid), 'comm'), 'utf8')).replace(/\n$/, '');
  } catch {
    return null;
  }
}
