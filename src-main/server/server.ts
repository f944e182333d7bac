/**
 * The server host: the built renderer over HTTP and the contract over one WebSocket, on 127.0.0.1 (another
 * address only when asked for explicitly: bind-address.ts), behind a random token, a Host check and a
 * same-origin check. It holds no state of its own: every connection talks
 * to the same core, so a reloaded page re-attaches to everything that was running.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientFrame, ServerFrame } from '../common/contract';
import { dispatch } from '../common/dispatch';
import type { Workbench } from '../core/workbench';
import {
  allowedHosts,
  cookieName,
  isAllowedHost,
  isAllowedOrigin,
  newToken,
  parseCookies,
  presentedToken,
  tokensEqual,
} from './auth';
import { contentSecurityPolicy } from '../common/csp';
import { serveStatic } from './static-files';
import { OutputRouting } from '../core/sessions/output-routing';
import { DEFAULT_BIND_HOST, hostForUrl, isLoopbackAddress, isWildcardAddress } from './bind-address';

export interface ServerOptions {
  readonly workbench: Workbench;
  /** The built renderer (out/renderer). */
  readonly staticDir: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** A fixed token (tests); a random one by default. */
  readonly token?: string;
  /** The IP address to listen on: 127.0.0.1 by default. */
  readonly host?: string;
  /**
   * Must be true for a `host` beyond loopback (0.0.0.0, ::, a LAN address): only `lathe serve --host` sets it,
   * after warning. Without it such a host is refused (thrown: a caller's mistake, not a user's).
   */
  readonly beyondLoopback?: boolean;
}

export interface RunningServer {
  /** The address it listens on. */
  readonly host: string;
  readonly port: number;
  /** The Host header values it answers to (auth.ts `allowedHosts`). */
  readonly allowedHosts: readonly string[];
  readonly token: string;
  /** The URL to open: it carries the token once; the server then keeps it in a cookie. */
  readonly url: string;
  close(): Promise<void>;
}

/** Stop queueing events to a client that stopped reading (a frozen tab), instead of growing memory. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * The request target as a URL, for its path and query only (the base is a placeholder); null when it is not a URL
 * (`//[`, `http://x:99999/`), which Node's parser lets through.
 */
function requestTarget(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://lathe.invalid');
  } catch {
    return null;
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const { workbench } = options;
  const host = options.host ?? DEFAULT_BIND_HOST;
  if (!isLoopbackAddress(host) && options.beyondLoopback !== true) {
    throw new Error(`startServer: ${host} is not a loopback address; listening on it needs beyondLoopback: true (lathe serve --host)`);
  }
  let port = 0;
  /** Filled once listening (the port is known then); until then nothing is admitted. */
  let allowed: readonly string[] = [];

  const authorised = (req: IncomingMessage, url: URL | null): boolean =>
    tokensEqual(
      presentedToken({
        query: url?.searchParams.get('token'),
        cookie: parseCookies(req.headers.cookie).get(cookieName(port)),
        authorization: req.headers.authorization,
      }),
      token,
    );

  const admissionProblem = (req: IncomingMessage): { status: number; text: string } | null => {
    if (!isAllowedHost(req.headers.host, allowed)) return { status: 403, text: 'Forbidden host' };
    if (!isAllowedOrigin(req.headers.origin, allowed)) return { status: 403, text: 'Forbidden origin' };
    return null;
  };

  // A request without Host (HTTP/1.1) reaches admission and gets its 403, like every other wrong Host.
  const http = createServer({ requireHostHeader: false }, (req, res) => {
    handleHttp(req, res).catch((e: unknown) => {
      console.error('[lathe] http handler failed', e);
      if (!res.headersSent) res.writeHead(500).end('Internal error');
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = admissionProblem(req);
    if (problem) {
      res.writeHead(problem.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(problem.text);
      return;
    }
    const url = requestTarget(req);
    if (!authorised(req, url)) {
      res
        .writeHead(401, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
        .end(
          '<!doctype html><title>Lathe</title><p>This Lathe server needs its token. Open the full URL that <code>lathe serve</code> printed.</p>',
        );
      return;
    }
    // After the token: a caller without it learns nothing, not even which methods exist.
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!url) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request target');
      return;
    }
    if (url.searchParams.has('token')) {
      // Keep the token in an HttpOnly cookie and drop it from the address bar and history.
      url.searchParams.delete('token');
      res
        .writeHead(302, {
          'Set-Cookie': `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          // One leading slash: `/a/..//evil.example` must not become a protocol-relative redirect.
          Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
          'Cache-Control': 'no-store',
        })
        .end();
      return;
    }
    const csp = contentSecurityPolicy(`'self' ${allowed.map((h) => `ws://${h}`).join(' ')}`);
    if (!(await serveStatic(options.staticDir, url.pathname, res, csp))) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
    }
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Never throw here: an exception in an 'upgrade' listener takes the whole server down.
    const url = requestTarget(req);
    const refusal =
      admissionProblem(req) ??
      (authorised(req, url) ? null : { status: 401, text: 'Unauthorized' }) ??
      (url?.pathname !== '/ws' ? { status: 404, text: 'Not found' } : null);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const send = (frame: ServerFrame): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'client too slow');
        return;
      }
      ws.send(JSON.stringify(frame));
    };
    const routing = new OutputRouting();
    const subscription = workbench.hub.subscribe((event, payload) => {
      if (routing.wants(event, payload)) send({ t: 'event', event, payload });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return;
      let frame: ClientFrame;
      try {
        frame = JSON.parse(data.toString()) as ClientFrame;
      } catch {
        ws.close(1007, 'frames are JSON');
        return;
      }
      if (frame?.t !== 'call' || typeof frame.id !== 'number') return;
      const routed = routing.call(frame.method, frame.args);
      dispatch(workbench.handlers, frame.method, frame.args).then(
        (result) => {
          routed(result);
          send({ t: 'result', id: frame.id, result });
        },
        (e: unknown) => {
          console.error(`[lathe] ${String(frame.method)} failed`, e);
          const result = { ok: false, code: 'INTERNAL', message: `Internal error in ${String(frame.method)}: ${String(e)}` } as const;
          routed(result);
          send({ t: 'result', id: frame.id, result });
        },
      );
    });
    ws.on('close', () => void subscription.dispose());
    ws.on('error', () => void subscription.dispose());
    send({ t: 'hello', clientId: randomUUID() });
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  port = (http.address() as AddressInfo).port;
  const interfaceAddresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  allowed = allowedHosts(host, port, interfaceAddresses);
  // On every interface, the URL to print is the loopback one (it works on this machine); the warning lists the rest.
  const urlHost = isWildcardAddress(host) ? '127.0.0.1' : hostForUrl(host);

  return {
    host,
    port,
    allowedHosts: allowed,
    token,
    url: `http://${urlHost}:${port}/?token=${token}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
