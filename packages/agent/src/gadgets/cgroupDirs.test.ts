import { describe, expect, it } from 'vitest';
import { cgroupDirsOf, parseCgroupMounts } from './cgroupDirs.ts';

// Recorded on the hybrid (v1 + unified) test machine, and a pure v2 host.
const hybridMountinfo = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const podmanCgroup = `9:name=systemd:/libpod_parent/libpod-c525
4:memory:/libpod_parent/libpod-c525
2:cpuacct:/libpod_parent/libpod-c525
1:cpu:/libpod_parent/libpod-c525
0::/libpod_parent/libpod-c525
`;

describe('cgroup directories of a process', () => {
  it('finds the v1 cpu and memory directories and the unified one on a hybrid host', () => {
    const mounts = parseCgroupMounts(hybridMountinfo);
    expect(mounts.map((m) => [m.version, m.controllers.join('+'), m.mountPoint])).toEqual([
      [1, 'cpu', '/sys/fs/cgroup/cpu'],
      [1, 'cpuacct', '/sys/fs/cgroup/cpuacct'],
      [1, 'memory', '/sys/fs/cgroup/memory'],
      [1, '', '/sys/fs/cgroup/systemd'],
      [2, '', '/sys/fs/cgroup/unified'],
    ]);
    expect(cgroupDirsOf(podmanCgroup, mounts)).toEqual({
      cpuV1: '/sys/fs/cgroup/cpu/libpod_parent/libpod-c525',
      memoryV1: '/sys/fs/cgroup/memory/libpod_parent/libpod-c525',
      unified: '/sys/fs/cgroup/unified/libpod_parent/libpod-c525',
    });
  });

  it('handles combined cpu,cpuacct hierarchies, pure v2, mount roots and the root cgroup', () => {
    const combined = parseCgroupMounts('30 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n');
    expect(cgroupDirsOf('3:cpu,cpuacct:/kubepods/pod1/abc\n', combined)).toEqual({ cpuV1: '/sys/fs/cgroup/cpu,cpuacct/kubepods/pod1/abc' });
    const v2 = parseCgroupMounts('28 23 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n');
    expect(cgroupDirsOf('0::/kubepods.slice/cri-containerd-1.scope\n', v2)).toEqual({ unified: '/sys/fs/cgroup/kubepods.slice/cri-containerd-1.scope' });
    // Inside a cgroup namespace the mount shows a subtree: paths outside it are not reachable.
    const rooted = parseCgroupMounts('28 23 0:25 /kubepods /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n');
    expect(cgroupDirsOf('0::/kubepods/pod1\n', rooted)).toEqual({ unified: '/sys/fs/cgroup/pod1' });
    expect(cgroupDirsOf('0::/system.slice\n', rooted)).toEqual({});
    expect(cgroupDirsOf('0::/\n', v2)).toEqual({});
  });
});
