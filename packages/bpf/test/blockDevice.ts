/** The disk (as the kernel names it in gendisk) holding a directory, for block I/O assertions. */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export function diskOf(dir: string): string {
  const dev = statSync(dir).dev;
  // glibc's dev_t encoding, as Node reports it.
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff);
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (!existsSync(sys)) throw new Error(`${dir} is not on a block device (${major}:${minor}); the test needs a real disk`);
  const real = realpathSync(sys);
  return existsSync(`${real}/partition`) ? basename(dirname(real)) : basename(real);
}
