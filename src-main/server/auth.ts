/**
 * Server-mode admission rules, as pure functions: a token (from the printed URL, kept in an HttpOnly
 * cookie after the first visit), a Host naming the address the server listens on (against DNS rebinding), and a
 * same-origin Origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostForUrl, isWildcardAddress } from './bind-address';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export function tokensEqual(provided: string | null | undefined, expected: string): boolean {
  if (!provided) return false;
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Cookies are not scoped by port, so the name carries it: two servers never share a token. */
export const cookieName = (port: number): string => `lathe_token_${port}`;

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    try {
      out.set(key, decodeURIComponent(value));
    } catch {
      out.set(key, value);
    }
  }
  return out;
}

/**
 * The Host header values the server answers to, with the port: what a browser sends for a page loaded from the
 * server itself. A DNS-rebinding page sends its own name (evil.example), so it is refused. Bound to 127.0.0.1:
 * 127.0.0.1 and localhost. Bound to one other address: that address only (IPv6 in brackets). Bound to every
 * interface (0.0.0.0, ::): loopback and each of `interfaceAddresses` (the machine's addresses at start; IPv6
 * ones only for ::). On port 80 browsers leave the port out, so the bare name is allowed too.
 */
export function allowedHosts(bindHost: string, port: number, interfaceAddresses: readonly string[] = []): string[] {
  const names = new Set<string>();
  if (isWildcardAddress(bindHost)) {
    const ipv6Too = isIP(bindHost) === 6;
    names.add('127.0.0.1').add('localhost');
    for (const address of interfaceAddresses) if (isIP(address) === 4 || (ipv6Too && isIP(address) === 6)) names.add(hostForUrl(address));
  } else {
    names.add(hostForUrl(bindHost));
    if (bindHost === '127.0.0.1' || hostForUrl(bindHost) === '[::1]') names.add('localhost');
  }
  return [...names].flatMap((name) => (port === 80 ? [`${name}:80`, name] : [`${name}:${port}`]));
}

export function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  return host !== undefined && allowed.includes(host.toLowerCase());
}

/**
 * Browsers always send Origin on WebSocket upgrades and cross-origin requests; absent means a non-browser client.
 * `null` (sandboxed frames, file: pages) and every other origin are refused.
 */
export function isAllowedOrigin(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  return allowed.some((h) => origin.toLowerCase() === `http://${h}`);
}

export interface Credentials {
  readonly cookie?: string | undefined;
  readonly query?: string | null | undefined;
  readonly authorization?: string | undefined;
}

export function presentedToken(c: Credentials): string | null {
  if (c.query) return c.query;
  if (c.authorization?.startsWith('Bearer ')) return c.authorization.slice('Bearer '.length);
  return c.cookie ?? null;
}
