/**
 * Server-mode admission rules, as pure functions: a token (from the printed URL, kept in an HttpOnly
 * cookie after the first visit), a loopback Host (against DNS rebinding), and a same-origin Origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

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

export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

export function isAllowedHost(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** Browsers always send Origin on WebSocket upgrades and cross-origin requests; absent means a non-browser client. */
export function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
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
