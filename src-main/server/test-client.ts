/**
 * Clients for the server's integration tests (never shipped): plain HTTP GETs, a contract client over the real
 * WebSocket, and a raw TCP exchange that sends exactly the request line and headers given (a missing Host, an
 * IPv6 Host, a forged Origin), for HTTP and for WebSocket upgrades alike.
 */
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import WebSocket from 'ws';
import type { ArgsOf, EventName, MethodName, ServerFrame, ValueOf } from '../common/contract';
import type { Result } from '../common/result';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function httpGet(port: number, path: string, headers: Record<string, string> = {}, address = '127.0.0.1'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: address, port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Open a socket; resolves with the client after the server's hello, or rejects with the HTTP status the server answered. */
export function connectClient(port: number, query: string, headers: Record<string, string> = {}, address = '127.0.0.1'): Promise<TestClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${address.includes(':') ? `[${address}]` : address}:${port}/ws${query}`, { headers });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('message', (data) => {
      const hello = JSON.parse(data.toString()) as ServerFrame;
      if (hello.t !== 'hello') reject(new Error(`the first frame is ${hello.t}, not hello`));
      else resolve(new TestClient(ws));
    });
  });
}

/** The contract over one socket. Socket errors and closes it did not ask for are kept in `problems`. */
export class TestClient {
  private id = 0;
  private closing = false;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  readonly events: { event: EventName; payload: unknown }[] = [];
  readonly problems: string[] = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      if (frame.t === 'result') {
        this.pending.get(frame.id)?.(frame.result);
        this.pending.delete(frame.id);
      } else if (frame.t === 'event') this.events.push({ event: frame.event, payload: frame.payload });
    });
    ws.on('error', (e) => this.problems.push(`socket error: ${e.message}`));
    ws.on('close', (code, reason) => {
      if (!this.closing) this.problems.push(`socket closed by the server: ${code} ${reason.toString()}`);
    });
  }
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<ValueOf<M>>> {
    return this.raw(method, args) as Promise<Result<ValueOf<M>>>;
  }
  raw(method: string, args: unknown): Promise<Result<unknown>> {
    const id = ++this.id;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ t: 'call', id, method, args }));
    });
  }
  async value<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<ValueOf<M>> {
    const r = await this.call(method, args);
    if (!r.ok) throw new Error(`${method} failed: ${r.code} ${r.message}`);
    return r.value;
  }
  async waitFor(event: EventName, test: (payload: unknown) => boolean = () => true, ms = 3000): Promise<unknown> {
    const start = Date.now();
    for (;;) {
      const hit = this.events.find((e) => e.event === event && test(e.payload));
      if (hit) return hit.payload;
      if (Date.now() - start > ms) throw new Error(`no ${event} event within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  /** Drop the events kept so far (a long-running client would otherwise keep every one). */
  forgetEvents(): void {
    this.events.length = 0;
  }
  close(): void {
    this.closing = true;
    this.ws.close();
  }
}

export interface RawRequest {
  readonly method?: string;
  /** The request target, as sent: `/ws?token=…`. */
  readonly target: string;
  /** The Host header as sent; null sends none. */
  readonly host: string | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Ask for a WebSocket upgrade (with a valid key) instead of a plain request. */
  readonly websocket?: boolean;
  readonly httpVersion?: '1.0' | '1.1';
}

export interface RawAnswer {
  /** 0 when the server sent no status line before closing or within the time allowed. */
  readonly status: number;
  readonly head: string;
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: string;
  /** True when the server switched protocols (101): the socket was admitted. */
  readonly upgraded: boolean;
}

export function rawRequestText(r: RawRequest): string {
  const lines = [`${r.method ?? 'GET'} ${r.target} HTTP/${r.httpVersion ?? '1.1'}`];
  if (r.host !== null) lines.push(`Host: ${r.host}`);
  if (r.websocket) {
    lines.push('Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13');
  } else {
    lines.push('Connection: close');
  }
  for (const [name, value] of Object.entries(r.headers ?? {})) lines.push(`${name}: ${value}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Send `request` over a fresh TCP connection and read the answer: to the server's close, or up to a 101. */
export function rawExchange(port: number, request: RawRequest, address = '127.0.0.1', ms = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: address, port });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (upgraded: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(received.toString('latin1'), upgraded));
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('connect', () => socket.write(rawRequestText(request)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('latin1');
      if (/^HTTP\/1\.[01] 101 /.test(text) && text.includes('\r\n\r\n')) finish(true);
    });
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', (e) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(e);
    });
  });
}

function parseAnswer(text: string, upgraded: boolean): RawAnswer {
  const split = text.indexOf('\r\n\r\n');
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return { status, head, headers, body, upgraded };
}
