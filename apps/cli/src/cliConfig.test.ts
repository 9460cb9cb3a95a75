import { describe, expect, it } from 'vitest';
import { loadCliConfig } from './cliConfig.ts';

const files = (entries: Record<string, string>) => (f: string): string | undefined => entries[f];

describe('loadCliConfig', () => {
  it('reads ~/.config/podscope/config.json when nothing else is set', () => {
    const cfg = loadCliConfig({ env: {}, flags: {}, home: '/h', readFile: files({ '/h/.config/podscope/config.json': '{"hub":"http://hub:7070/","token":"psu_x"}' }) });
    expect(cfg).toEqual({ hub: 'http://hub:7070', auth: { kind: 'token', token: 'psu_x' }, source: '/h/.config/podscope/config.json' });
  });

  it('lets flags beat the environment and the environment beat the file; a token beats a password', () => {
    const readFile = files({ '/c.json': '{"hub":"http://file:1","user":"u","password":"p"}' });
    expect(loadCliConfig({ env: { PODSCOPE_CONFIG: '/c.json', PODSCOPE_HUB: 'http://env:2' }, flags: {}, readFile })).toMatchObject({ hub: 'http://env:2', auth: { kind: 'password', user: 'u', password: 'p' } });
    expect(loadCliConfig({ env: { PODSCOPE_CONFIG: '/c.json', PODSCOPE_HUB: 'http://env:2' }, flags: { hub: 'https://flag:3' }, readFile }).hub).toBe('https://flag:3');
    expect(loadCliConfig({ env: { PODSCOPE_CONFIG: '/c.json', PODSCOPE_TOKEN: 'psu_t' }, flags: {}, readFile }).auth).toEqual({ kind: 'token', token: 'psu_t' });
    expect(loadCliConfig({ env: { PODSCOPE_HUB: 'http://e:1', PODSCOPE_USER: 'a', PODSCOPE_PASSWORD: 'b', PODSCOPE_TOKEN: '' }, flags: {}, readFile: files({}) }).auth).toEqual({ kind: 'password', user: 'a', password: 'b' });
  });

  it('says what is missing or wrong', () => {
    expect(() => loadCliConfig({ env: {}, flags: {}, home: '/h', readFile: files({}) })).toThrow(/no hub configured: set PODSCOPE_HUB/);
    expect(() => loadCliConfig({ env: { PODSCOPE_HUB: 'http://h:1' }, flags: {}, home: '/h', readFile: files({}) })).toThrow(/no credentials for http:\/\/h:1: set PODSCOPE_TOKEN/);
    expect(() => loadCliConfig({ env: { PODSCOPE_HUB: 'ftp://h' , PODSCOPE_TOKEN: 't' }, flags: {}, readFile: files({}) })).toThrow(/PODSCOPE_HUB: hub URL must be http/);
    expect(() => loadCliConfig({ env: {}, flags: { config: '/missing.json' }, readFile: files({}) })).toThrow(/config file \/missing.json does not exist/);
    expect(() => loadCliConfig({ env: { PODSCOPE_CONFIG: '/c.json' }, flags: {}, readFile: files({ '/c.json': '{"hub":' }) })).toThrow(/is not valid JSON/);
    expect(() => loadCliConfig({ env: { PODSCOPE_CONFIG: '/c.json' }, flags: {}, readFile: files({ '/c.json': '{"hub":"http://h","tokn":"x"}' }) })).toThrow(/config file \/c.json: .*tokn/);
  });
});
