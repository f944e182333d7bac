/**
 * The renderer's Content Security Policy, the same for both hosts: nothing from outside, no inline
 * script, no eval. Only where the renderer may connect differs (Electron: itself; the server: its
 * WebSocket on 127.0.0.1).
 */
export function contentSecurityPolicy(connectSrc = "'self'"): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src ${connectSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
