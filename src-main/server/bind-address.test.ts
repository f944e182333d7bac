/**
 * Where `lathe serve` listens (bind-address.ts), and which Host and Origin values it then answers to (auth.ts).
 */
import { describe, expect, it } from 'vitest';
import { allowedHosts, isAllowedHost, isAllowedOrigin } from './auth';
import { BIND_HOST_ENV, beyondLoopbackWarning, chooseBindHost, hostForUrl, isLoopbackAddress, isWildcardAddress } from './bind-address';

describe('isLoopbackAddress / isWildcardAddress / hostForUrl', () => {
  it('knows loopback in every IP spelling, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1']) expect(isLoopbackAddress(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1', 'fd00::2', '128.0.0.1', 'localhost', '127.1', '', 'evil.com']) expect(isLoopbackAddress(a), a).toBe(false);
  });

  it('knows the wildcard addresses', () => {
    for (const a of ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::0']) expect(isWildcardAddress(a), a).toBe(true);
    for (const a of ['127.0.0.1', '::1', '192.168.1.5', '0.0.0.1', 'any']) expect(isWildcardAddress(a), a).toBe(false);
  });

  it('writes IPv6 in brackets and compressed, as browsers put it in Host and Origin', () => {
    expect(hostForUrl('127.0.0.1')).toBe('127.0.0.1');
    expect(hostForUrl('::1')).toBe('[::1]');
    expect(hostForUrl('0:0:0:0:0:0:0:1')).toBe('[::1]');
    expect(hostForUrl('FD00:0::2')).toBe('[fd00::2]');
  });
});

describe('chooseBindHost', () => {
  it('listens on 127.0.0.1 when nothing is said (HOST, which shells set, is not read)', () => {
    expect(chooseBindHost(undefined, {})).toEqual({ ok: true, value: { host: '127.0.0.1', beyondLoopback: false } });
    expect(chooseBindHost(undefined, { HOST: '0.0.0.0', [BIND_HOST_ENV]: '' })).toEqual({ ok: true, value: { host: '127.0.0.1', beyondLoopback: false } });
  });

  it('takes any IP address from --host, and marks those beyond loopback', () => {
    expect(chooseBindHost('0.0.0.0', {})).toEqual({ ok: true, value: { host: '0.0.0.0', beyondLoopback: true } });
    expect(chooseBindHost('::', {})).toEqual({ ok: true, value: { host: '::', beyondLoopback: true } });
    expect(chooseBindHost('[::]', {})).toEqual({ ok: true, value: { host: '::', beyondLoopback: true } });
    expect(chooseBindHost('192.168.1.5', {})).toEqual({ ok: true, value: { host: '192.168.1.5', beyondLoopback: true } });
    expect(chooseBindHost('127.0.0.1', {})).toEqual({ ok: true, value: { host: '127.0.0.1', beyondLoopback: false } });
    expect(chooseBindHost('::1', {})).toEqual({ ok: true, value: { host: '::1', beyondLoopback: false } });
    expect(chooseBindHost('localhost', {})).toEqual({ ok: true, value: { host: '127.0.0.1', beyondLoopback: false } });
  });

  it('the flag wins over the environment', () => {
    expect(chooseBindHost('0.0.0.0', { [BIND_HOST_ENV]: '127.0.0.1' })).toMatchObject({ ok: true, value: { host: '0.0.0.0', beyondLoopback: true } });
    expect(chooseBindHost('127.0.0.1', { [BIND_HOST_ENV]: '0.0.0.0' })).toMatchObject({ ok: true, value: { host: '127.0.0.1', beyondLoopback: false } });
  });

  it('refuses names and malformed addresses, from the flag and from the environment', () => {
    for (const bad of ['evil.com', 'my-laptop', '127.1', '0', '', ' ', '256.0.0.1', 'fe80::1%eth0', '127.0.0.1:7780']) {
      expect(chooseBindHost(bad, {}), bad).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    }
    expect(chooseBindHost(undefined, { [BIND_HOST_ENV]: 'my-laptop' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining(BIND_HOST_ENV) });
  });

  it('takes another loopback address from LATHE_HOST, and refuses any other', () => {
    expect(chooseBindHost(undefined, { [BIND_HOST_ENV]: '::1' })).toEqual({ ok: true, value: { host: '::1', beyondLoopback: false } });
    expect(chooseBindHost(undefined, { [BIND_HOST_ENV]: '127.0.0.2' })).toEqual({ ok: true, value: { host: '127.0.0.2', beyondLoopback: false } });
    for (const wide of ['0.0.0.0', '::', '192.168.1.5', '[::]']) {
      const chosen = chooseBindHost(undefined, { [BIND_HOST_ENV]: wide });
      expect(chosen, wide).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
      expect(!chosen.ok && chosen.message).toMatch(/not a loopback address.*--host/s);
    }
  });
});

describe('beyondLoopbackWarning', () => {
  it('says the token is the only protection, that the traffic is plain HTTP, where it answers, and the safer way', () => {
    const text = beyondLoopbackWarning('0.0.0.0', 7780, ['127.0.0.1:7780', 'localhost:7780', '192.168.1.5:7780']);
    expect(text).toMatch(/^lathe serve: WARNING: listening on every interface of this machine \(0\.0\.0\.0\), port 7780/);
    expect(text).toContain('The token is then the only protection');
    expect(text).toContain('plain HTTP (not encrypted)');
    expect(text).toContain('It answers to: 127.0.0.1:7780, localhost:7780, 192.168.1.5:7780');
    expect(text).toContain('ssh -L 7780:127.0.0.1:7780');
    expect(beyondLoopbackWarning('fd00::2', 80, ['[fd00::2]:80'])).toContain('listening on [fd00::2], port 80');
  });
});

describe('allowedHosts, isAllowedHost, isAllowedOrigin', () => {
  const interfaces = ['127.0.0.1', '::1', '192.168.1.5', 'fd00::2'];

  it('on 127.0.0.1 (the default): 127.0.0.1 and localhost, with the port', () => {
    expect(allowedHosts('127.0.0.1', 7780, interfaces)).toEqual(['127.0.0.1:7780', 'localhost:7780']);
  });

  it('on ::1: [::1] and localhost; on another loopback address: that address only', () => {
    expect(allowedHosts('::1', 7780, interfaces)).toEqual(['[::1]:7780', 'localhost:7780']);
    expect(allowedHosts('127.0.0.2', 7780, interfaces)).toEqual(['127.0.0.2:7780']);
  });

  it('on one LAN address: that address only', () => {
    expect(allowedHosts('192.168.1.5', 7780, interfaces)).toEqual(['192.168.1.5:7780']);
    expect(allowedHosts('fd00::2', 7780, interfaces)).toEqual(['[fd00::2]:7780']);
  });

  it('on 0.0.0.0: loopback and every IPv4 address of the machine; on ::, the IPv6 ones too', () => {
    expect(allowedHosts('0.0.0.0', 7780, interfaces)).toEqual(['127.0.0.1:7780', 'localhost:7780', '192.168.1.5:7780']);
    expect(allowedHosts('::', 7780, interfaces)).toEqual(['127.0.0.1:7780', 'localhost:7780', '[::1]:7780', '192.168.1.5:7780', '[fd00::2]:7780']);
  });

  it('on port 80, also the bare name (browsers leave the default port out)', () => {
    expect(allowedHosts('127.0.0.1', 80)).toEqual(['127.0.0.1:80', '127.0.0.1', 'localhost:80', 'localhost']);
  });

  it('matches Host without regard to case, Origin exactly as http://<allowed host>; no Origin is a non-browser client', () => {
    const allowed = allowedHosts('192.168.1.5', 7780);
    expect(isAllowedHost('192.168.1.5:7780', allowed)).toBe(true);
    expect(isAllowedHost('127.0.0.1:7780', allowed)).toBe(false);
    expect(isAllowedHost(undefined, allowed)).toBe(false);
    expect(isAllowedHost('LOCALHOST:7780', allowedHosts('127.0.0.1', 7780))).toBe(true);
    expect(isAllowedOrigin('http://192.168.1.5:7780', allowed)).toBe(true);
    expect(isAllowedOrigin(undefined, allowed)).toBe(true);
    for (const origin of ['null', '', 'https://192.168.1.5:7780', 'http://192.168.1.5:7781', 'http://localhost:7780', 'http://192.168.1.5:7780/']) {
      expect(isAllowedOrigin(origin, allowed), origin).toBe(false);
    }
  });
});
