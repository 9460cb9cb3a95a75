import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fakeHost.ts';
import { parseCgroupPath, parseNsLink, parseProcCgroup } from './cgroupPath.ts';
import { monitoredContainerId, parseStat } from './procReader.ts';

const podmanId = '85786e698b981e59886d83f772a5bdac7f7f890da2898110cb504576cdc42139';

describe('parseProcCgroup', () => {
  it('reads the podman container id from a recorded hybrid v1+v2 cgroup file', () => {
    expect(parseProcCgroup(fixture('podman/cgroup.txt'))).toEqual({ id: podmanId, runtime: 'podman', cgroupPath: `/libpod_parent/libpod-${podmanId}` });
  });

  it('finds no container in the recorded host cgroup file', () => {
    expect(parseProcCgroup(fixture('podman/host-cgroup.txt'))).toBeNull();
  });

  it('reads kubelet cgroupfs paths with the pod uid (containerd CRI)', () => {
    const ref = parseProcCgroup(fixture('containerd/cgroup.txt'));
    expect(ref).toMatchObject({ id: fixture('containerd/id.txt').trim(), runtime: 'unknown', podUid: '4e7c1a52-8d1b-4f0e-9a3c-2b5d6e7f8a90' });
  });

  it('reads systemd-driver paths for containerd, CRI-O and docker', () => {
    expect(parseProcCgroup(fixture('containerd/cgroup-systemd.txt'))).toMatchObject({ runtime: 'containerd', podUid: '4e7c1a52-8d1b-4f0e-9a3c-2b5d6e7f8a90' });
    expect(parseProcCgroup(fixture('crio/cgroup.txt'))).toMatchObject({ id: fixture('crio/id.txt').trim(), runtime: 'cri-o' });
    expect(parseProcCgroup(fixture('docker/cgroup.txt'))).toMatchObject({ id: fixture('docker/id.txt').trim(), runtime: 'docker' });
    expect(parseProcCgroup(fixture('docker/cgroup-v1.txt'))).toMatchObject({ id: fixture('docker/id.txt').trim(), runtime: 'docker' });
  });

  it('handles podman systemd scopes and refuses conmon cgroups', () => {
    expect(parseCgroupPath(`/machine.slice/libpod-${podmanId}.scope`)).toMatchObject({ id: podmanId, runtime: 'podman' });
    expect(parseCgroupPath(`/machine.slice/libpod-${podmanId}.scope/container`)).toMatchObject({ id: podmanId });
    expect(parseCgroupPath(`/machine.slice/libpod-conmon-${podmanId}.scope`)).toBeNull();
    expect(parseCgroupPath('/libpod_parent/conmon')).toBeNull();
    expect(parseCgroupPath(`/system.slice/crio-conmon-${podmanId}.scope`)).toBeNull();
  });
});

describe('/proc helpers', () => {
  it('parses namespace links', () => {
    expect(parseNsLink(fixture('podman/ns_mnt.txt'))).toBe(4026532177);
    expect(parseNsLink('net:[4026532178]')).toBe(4026532178);
    expect(parseNsLink('garbage')).toBeUndefined();
  });

  it('parses a recorded stat line, and one whose comm holds ") ("', () => {
    expect(parseStat(fixture('podman/stat.txt'))).toEqual({ ppid: 9733, startTime: '35888' });
    expect(parseStat('7 (a) (b) S 3 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0')).toEqual({ ppid: 3, startTime: '555' });
  });

  it('names the container a conmon or containerd shim watches', () => {
    expect(monitoredContainerId(['/usr/bin/conmon', '--api-version', '1', '-c', podmanId, '-u', podmanId])).toBe(podmanId);
    expect(monitoredContainerId(['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', podmanId])).toBe(podmanId);
    expect(monitoredContainerId(['/bin/sh', '-c', podmanId])).toBeUndefined();
  });
});
