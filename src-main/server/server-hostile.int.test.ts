/**
 * Server mode under hostile requests, over real TCP sockets against a real server and workbench: every request
 * below lacks something admission needs (the token of this start, a Host naming this server, its own Origin),
 * over plain HTTP and over the WebSocket upgrade. Each must be refused with its 401 or 403, with nothing in the
 * answer that a caller without the token may not see: no cookie, no redirect, no renderer, no token, no path.
 * Requests with the token are sent alongside as controls, so a harness that could not see an admission would
 * fail instead of passing quietly. The last test prints the tally: `[server-hostile] N requests, refused N, admitted 0`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbench, type Workbench } from '../core/workbench';
import { ONNX_RUNNER, PTY_HOST } from '../../test/children';
import { missing } from '../../test/skip';
import { cookieName } from './auth';
import { startServer, type RunningServer } from './server';
import { connectClient, rawExchange, type RawAnswer, type RawRequest } from './test-client';

/** This machine's first non-loopback IPv4 and IPv6 addresses, for the servers bound beyond loopback. */
const interfaces = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
const LAN_IPV4 = interfaces.find((i) => !i.internal && i.family === 'IPv4')?.address;
const HAS_IPV6_LOOPBACK = interfaces.some((i) => i.internal && i.family === 'IPv6' && i.address === '::1');

/** In the renderer's index.html: an answer that contains it served the renderer. */
const RENDERER_MARKER = `renderer-${randomUUID()}`;
/** In the project's README: an answer that contains it read the project. */
const PROJECT_MARKER = `project-${randomUUID()}`;

let workbench: Workbench;
let project: string;
let userDir: string;
let staticDir: string;
/** The server under attack. */
let server: RunningServer;
/** Another Lathe server running at the same time, on another port. */
let sibling: RunningServer;
/** Earlier runs, closed before `server` started: one on another port, one on the port `server` reuses. */
let earlierElsewhere: { token: string; port: number };
let earlierSamePort: { token: string; port: number };
let samePortReused = false;
/** Everything no refused answer may contain. */
let secrets: string[] = [];

type Transport = 'http' | 'ws';
const tally = { http: 0, ws: 0, refused: { 401: 0, 403: 0 }, admitted: [] as string[], controls: 0, controlsAdmitted: 0 };

/** Why `answer` is not a clean refusal, or null when it is. */
function admissionOrLeak(answer: RawAnswer, transport: Transport): string | null {
  if (answer.upgraded) return 'upgraded to a WebSocket';
  if (answer.status !== 401 && answer.status !== 403) return `HTTP ${answer.status || 'no answer'}`;
  if (answer.headers.has('set-cookie')) return 'sent a cookie';
  if (answer.headers.has('location')) return 'redirected';
  if (transport === 'ws' && answer.body !== '') return `a body on a refused upgrade: ${JSON.stringify(answer.body.slice(0, 80))}`;
  const text = answer.head + answer.body;
  const leaked = secrets.find((s) => text.includes(s));
  return leaked === undefined ? null : `leaked ${leaked === RENDERER_MARKER ? 'the renderer' : JSON.stringify(leaked)}`;
}

interface Hostile {
  readonly label: string;
  readonly expected: 401 | 403;
  readonly request: RawRequest;
}

/** Send each hostile request; returns `label → status` lines for those not refused as expected (empty: all were). */
async function sendHostile(cases: readonly Hostile[], target: { port: number; address?: string } = { port: server.port }): Promise<string[]> {
  const wrong: string[] = [];
  for (const c of cases) {
    const transport: Transport = c.request.websocket ? 'ws' : 'http';
    const answer = await rawExchange(target.port, c.request, target.address);
    tally[transport]++;
    const problem = admissionOrLeak(answer, transport);
    if (problem !== null) tally.admitted.push(`${transport} ${c.label}: ${problem}`);
    else tally.refused[answer.status as 401 | 403]++;
    if (problem !== null || answer.status !== c.expected) wrong.push(`${transport} ${c.label} → ${problem ?? `HTTP ${answer.status}, expected ${c.expected}`}`);
  }
  return wrong;
}

/** A request with the token must be admitted: proves the harness sees an admission. */
async function sendControl(request: RawRequest, target: { port: number; address?: string } = { port: server.port }): Promise<RawAnswer> {
  const answer = await rawExchange(target.port, request, target.address);
  tally.controls++;
  if (answer.upgraded || (answer.status >= 200 && answer.status < 400)) tally.controlsAdmitted++;
  return answer;
}

/** The same request as a plain GET and as a WebSocket upgrade on /ws. */
function overBoth(label: string, expected: 401 | 403, query: string, host: string | null, headers: Record<string, string> = {}, httpPath = '/'): Hostile[] {
  return [
    { label, expected, request: { target: `${httpPath}${query}`, host, headers } },
    { label, expected, request: { target: `/ws${query}`, host, headers, websocket: true } },
  ];
}

async function closedRun(port: number): Promise<{ token: string; port: number }> {
  const run = await startServer({ workbench, staticDir, port });
  const earlier = { token: run.token, port: run.port };
  await run.close();
  return earlier;
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'lathe-hostile-project-'));
  userDir = await mkdtemp(join(tmpdir(), 'lathe-hostile-user-'));
  staticDir = await mkdtemp(join(tmpdir(), 'lathe-hostile-static-'));
  await writeFile(join(project, 'README.md'), `# ${PROJECT_MARKER}\n`);
  await writeFile(join(staticDir, 'index.html'), `<!doctype html><title>Lathe</title><meta name="marker" content="${RENDERER_MARKER}">`);
  workbench = await createWorkbench({ host: 'server', version: '0.0.0-test', userDir, folder: project, ptyHostEntry: PTY_HOST, onnxRunnerEntry: ONNX_RUNNER });
  // Restarts: a run on some port, then one whose port the server under attack takes again once it is closed.
  earlierElsewhere = await closedRun(0);
  earlierSamePort = await closedRun(0);
  try {
    server = await startServer({ workbench, staticDir, port: earlierSamePort.port });
    samePortReused = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    console.warn(`[server-hostile] port ${earlierSamePort.port} was taken again before the restart: the same-port cases use another port`);
    server = await startServer({ workbench, staticDir, port: 0 });
  }
  sibling = await startServer({ workbench, staticDir, port: 0 });
  secrets = [server.token, sibling.token, earlierElsewhere.token, earlierSamePort.token, RENDERER_MARKER, project, await realpath(project), userDir, PROJECT_MARKER];
});

afterAll(async () => {
  await server?.close();
  await sibling?.close();
  await workbench?.dispose();
  for (const dir of [project, userDir, staticDir]) if (dir) await rm(dir, { recursive: true, force: true });
});

describe('without the token of this start (401)', () => {
  const HOST = () => `127.0.0.1:${server.port}`;
  const cookie = (name: string, value: string) => ({ Cookie: `${name}=${encodeURIComponent(value)}` });

  it('refuses no token, an empty one, a wrong one, and near misses, in the query, the cookie and the Authorization header', async () => {
    const T = server.token;
    const own = cookieName(server.port);
    const cases: Hostile[] = [
      ...overBoth('no token', 401, '', HOST()),
      ...overBoth('an empty token in the query', 401, '?token=', HOST()),
      ...overBoth('a wrong token in the query', 401, '?token=wrong', HOST()),
      ...overBoth('a wrong token of the right length', 401, `?token=${'A'.repeat(T.length)}`, HOST()),
      ...overBoth('the token less its last character', 401, `?token=${T.slice(0, -1)}`, HOST()),
      ...overBoth('the token and one more character', 401, `?token=${T}A`, HOST()),
      ...overBoth('the token in another case', 401, `?token=${T.toUpperCase() === T ? T.toLowerCase() : T.toUpperCase()}`, HOST()),
      ...overBoth('a wrong token before the right one in the query', 401, `?token=wrong&token=${T}`, HOST()),
      ...overBoth('the token under another parameter name', 401, `?TOKEN=${T}&access_token=${T}`, HOST()),
      ...overBoth('an empty cookie', 401, '', HOST(), { Cookie: `${own}=` }),
      ...overBoth('a wrong token in the cookie', 401, '', HOST(), cookie(own, 'wrong')),
      ...overBoth('the token in a cookie named for another port', 401, '', HOST(), cookie(cookieName(server.port + 1), T)),
      ...overBoth('the token in a cookie with another name', 401, '', HOST(), cookie('lathe_token', T)),
      ...overBoth('a wrong bearer token', 401, '', HOST(), { Authorization: 'Bearer wrong' }),
      ...overBoth('the token without the Bearer scheme', 401, '', HOST(), { Authorization: T }),
      ...overBoth('the token as Basic credentials', 401, '', HOST(), { Authorization: `Basic ${Buffer.from(`lathe:${T}`).toString('base64')}` }),
      ...overBoth('the token in a made-up header', 401, '', HOST(), { 'X-Lathe-Token': T }),
    ];
    expect(await sendHostile(cases)).toEqual([]);
  });

  it('refuses every method and path without the token, before saying which exist', async () => {
    const cases: Hostile[] = [];
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      cases.push({ label: `${method} /`, expected: 401, request: { method, target: '/', host: HOST() } });
    }
    for (const path of ['/index.html', '/assets/index.js', '/ws', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd', '/nope']) {
      cases.push({ label: `GET ${path}`, expected: 401, request: { target: path, host: HOST() } });
    }
    for (const path of ['/', '/nope', '/ws/', '/ws/../ws']) {
      cases.push({ label: `an upgrade on ${path}`, expected: 401, request: { target: path, host: HOST(), websocket: true } });
    }
    cases.push({ label: 'an HTTP/1.0 GET', expected: 401, request: { target: '/', host: HOST(), httpVersion: '1.0' } });
    expect(await sendHostile(cases)).toEqual([]);
  });

  it('refuses request targets that are not URLs (they once threw in the upgrade handler and took the server down)', async () => {
    const cases: Hostile[] = [];
    for (const target of ['//[', 'http://[/ws', '//%zz', 'http://x:99999/ws', 'http://evil.com/ws', '*']) {
      cases.push({ label: `GET ${target}`, expected: 401, request: { target, host: HOST() } });
      cases.push({ label: `an upgrade on ${target}`, expected: 401, request: { target, host: HOST(), websocket: true } });
      cases.push({ label: `an upgrade on ${target}, Host evil.com`, expected: 403, request: { target, host: `evil.com:${server.port}`, websocket: true } });
    }
    expect(await sendHostile(cases)).toEqual([]);
    // Still up, and still serving the token's holder.
    expect((await sendControl({ target: `/ws?token=${server.token}`, host: HOST(), websocket: true })).upgraded).toBe(true);
  });

  it('refuses the token of a server that is running now on another port', async () => {
    const S = sibling.token;
    const cases: Hostile[] = [
      ...overBoth("the sibling's token in the query", 401, `?token=${S}`, HOST()),
      ...overBoth("the sibling's token in our cookie", 401, '', HOST(), cookie(cookieName(server.port), S)),
      ...overBoth("the sibling's own cookie", 401, '', HOST(), cookie(cookieName(sibling.port), S)),
      ...overBoth("the sibling's token as a bearer", 401, '', HOST(), { Authorization: `Bearer ${S}` }),
    ];
    expect(await sendHostile(cases)).toEqual([]);
  });

  it('refuses tokens of earlier runs after a restart, on another port and on the same port', async () => {
    if (!samePortReused) console.warn('[server-hostile] the same-port restart could not be made (port taken): its cases ran against a new port');
    else expect(server.port).toBe(earlierSamePort.port);
    const cases: Hostile[] = [];
    for (const [which, earlier] of [
      ['another port', earlierElsewhere],
      ['the same port', earlierSamePort],
    ] as const) {
      cases.push(
        ...overBoth(`a token from an earlier run on ${which}, in the query`, 401, `?token=${earlier.token}`, HOST()),
        ...overBoth(`a token from an earlier run on ${which}, in our cookie`, 401, '', HOST(), cookie(cookieName(server.port), earlier.token)),
        ...overBoth(`a token from an earlier run on ${which}, in its own cookie`, 401, '', HOST(), cookie(cookieName(earlier.port), earlier.token)),
        ...overBoth(`a token from an earlier run on ${which}, as a bearer`, 401, '', HOST(), { Authorization: `Bearer ${earlier.token}` }),
      );
    }
    expect(await sendHostile(cases)).toEqual([]);
    // The real WebSocket client, as a page would use it after a restart: refused too.
    await expect(connectClient(server.port, `?token=${earlierSamePort.token}`)).rejects.toThrow('HTTP 401');
    await expect(connectClient(server.port, '', cookie(cookieName(server.port), earlierSamePort.token))).rejects.toThrow('HTTP 401');
  });

  it('admits the token of this start (controls: query, cookie, bearer, and the real WebSocket client)', async () => {
    const T = server.token;
    const byQuery = await sendControl({ target: `/?token=${T}`, host: HOST() });
    expect(byQuery.status).toBe(302);
    expect(byQuery.headers.get('set-cookie')?.[0]).toContain(`${cookieName(server.port)}=`);
    // The redirect that drops the token stays on this server, whatever the path folds into.
    for (const target of [`/x/..//evil.com/?token=${T}`, `////evil.com/?token=${T}`, `/\\evil.com/?token=${T}`]) {
      const folded = await sendControl({ target, host: HOST() });
      expect(folded.status, target).toBe(302);
      expect(folded.headers.get('location')?.[0], target).toMatch(/^\/(?![/\\])/);
    }
    const byCookie = await sendControl({ target: '/', host: HOST(), headers: cookie(cookieName(server.port), T) });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toContain(RENDERER_MARKER);
    expect((await sendControl({ target: '/', host: HOST(), headers: { Authorization: `Bearer ${T}` } })).status).toBe(200);
    // Past the token, a target that is not a URL, or a path that is not percent-encoding, is a 400 or a 404, not a 500.
    expect((await rawExchange(server.port, { target: '//[', host: HOST(), headers: { Authorization: `Bearer ${T}` } })).status).toBe(400);
    expect((await rawExchange(server.port, { target: '/%zz', host: HOST(), headers: { Authorization: `Bearer ${T}` } })).status).toBe(404);
    expect((await sendControl({ target: `/ws?token=${T}`, host: HOST(), websocket: true })).upgraded).toBe(true);
    expect((await sendControl({ target: '/ws', host: `localhost:${server.port}`, websocket: true, headers: { Origin: `http://localhost:${server.port}`, ...cookie(cookieName(server.port), T) } })).upgraded).toBe(true);
    const client = await connectClient(server.port, '', cookie(cookieName(server.port), T));
    expect((await client.value('workspace.current', {}))?.root).toBe(await realpath(project));
    client.close();
  });
});

/** The Host values a DNS-rebinding page, or a page on another name for this machine, would send. */
function foreignHosts(port: number, otherPort: number): (string | null)[] {
  return [
    'evil.com',
    `evil.com:${port}`,
    `EVIL.com:${port}`,
    `127.0.0.1.evil.com:${port}`,
    `127.0.0.1.nip.io:${port}`,
    `localhost.evil:${port}`,
    'localhost.evil',
    `localhost.:${port}`,
    `127.0.0.1.:${port}`,
    `127.0.0.1:${otherPort}`,
    `localhost:${otherPort}`,
    '127.0.0.1',
    'localhost',
    `0.0.0.0:${port}`,
    `127.1:${port}`,
    `2130706433:${port}`,
    `0x7f000001:${port}`,
    `lathe@127.0.0.1:${port}`,
    `127.0.0.1:${port}@evil.com`,
    `127.0.0.1:${port}.evil.com`,
    `[::1]:${port}`,
    `[::ffff:127.0.0.1]:${port}`,
    `[::ffff:7f00:1]:${port}`,
    `[0:0:0:0:0:0:0:1]:${port}`,
    `::1:${port}`,
    `[::]:${port}`,
    '[::1]',
    '',
    null,
  ];
}

const describeHost = (host: string | null): string => (host === null ? 'no Host' : host === '' ? 'an empty Host' : `Host ${host}`);

/** Origins of other pages: other sites, sandboxed frames and files (`null`), other local servers, other schemes. */
function foreignOrigins(port: number, otherPort: number): string[] {
  return [
    'http://evil.com',
    `http://evil.com:${port}`,
    'null',
    '',
    `http://localhost:${otherPort}`,
    `http://127.0.0.1:${otherPort}`,
    `https://127.0.0.1:${port}`,
    `https://localhost:${port}`,
    `ws://127.0.0.1:${port}`,
    `http://127.0.0.1:${port}.evil.com`,
    `http://127.0.0.1.evil.com:${port}`,
    `http://[::1]:${port}`,
    'http://127.0.0.1',
    'file://',
    `http://127.0.0.1:${port}/`,
  ];
}

describe('from another site or another name for this machine (403), even with the token', () => {
  const credentials = (): [string, string, Record<string, string>][] => [
    ['with the token in the query', `?token=${server.token}`, {}],
    ['with the cookie', '', { Cookie: `${cookieName(server.port)}=${server.token}` }],
    ['without the token', '', {}],
  ];

  it('refuses DNS-rebinding Host headers: other names, other ports, other spellings of loopback, IPv6 forms, none', async () => {
    const cases: Hostile[] = [];
    for (const host of foreignHosts(server.port, sibling.port)) {
      for (const [how, query, headers] of credentials()) cases.push(...overBoth(`${describeHost(host)}, ${how}`, 403, query, host, headers));
    }
    cases.push({ label: 'no Host over HTTP/1.0, with the token', expected: 403, request: { target: `/?token=${server.token}`, host: null, httpVersion: '1.0' } });
    expect(await sendHostile(cases)).toEqual([]);
  });

  it('refuses cross-origin requests: foreign, null, another local port, another scheme', async () => {
    const cases: Hostile[] = [];
    for (const origin of foreignOrigins(server.port, sibling.port)) {
      for (const [how, query, headers] of credentials()) {
        cases.push(...overBoth(`Origin ${JSON.stringify(origin)}, ${how}`, 403, query, `127.0.0.1:${server.port}`, { ...headers, Origin: origin }));
      }
    }
    // A rebinding page as a browser sends it: its own Host and Origin, no cookie of ours.
    cases.push(...overBoth('a rebinding page (Host and Origin evil.com)', 403, '', `evil.com:${server.port}`, { Origin: `http://evil.com:${server.port}` }));
    // The sibling's page calling this server: its Origin, with our cookie (a browser sends cookies by host, not port).
    cases.push(...overBoth("the sibling's page, with our cookie", 403, '', `127.0.0.1:${server.port}`, { Origin: `http://127.0.0.1:${sibling.port}`, Cookie: `${cookieName(server.port)}=${server.token}` }));
    expect(await sendHostile(cases)).toEqual([]);
  });

  it('admits its own Host and Origin (controls)', async () => {
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST']) {
      const hostHeader = `${name}:${server.port}`;
      expect((await sendControl({ target: `/?token=${server.token}`, host: hostHeader, headers: { Origin: `http://${hostHeader.toLowerCase()}` } })).status).toBe(302);
      expect((await sendControl({ target: `/ws?token=${server.token}`, host: hostHeader, websocket: true, headers: { Origin: `http://${hostHeader.toLowerCase()}` } })).upgraded).toBe(true);
    }
  });
});

describe('bound beyond loopback (startServer host)', () => {
  it('listens on 127.0.0.1 by default, and answers to 127.0.0.1 and localhost only', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.allowedHosts).toEqual([`127.0.0.1:${server.port}`, `localhost:${server.port}`]);
    if (LAN_IPV4) await expect(rawExchange(server.port, { target: '/', host: `${LAN_IPV4}:${server.port}` }, LAN_IPV4)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses a non-loopback host unless the caller says beyondLoopback (only lathe serve --host does)', async () => {
    for (const host of ['0.0.0.0', '::', '192.0.2.77']) {
      await expect(startServer({ workbench, staticDir, port: 0, host })).rejects.toThrow(/not a loopback address/);
    }
  });

  it.skipIf(missing(!LAN_IPV4 && 'this machine has no non-loopback IPv4 address: the 0.0.0.0 and LAN-address binds are not tried'))(
    'on 0.0.0.0: answers to loopback and the LAN address, refuses every foreign Host and Origin',
    async () => {
      const wide = await startServer({ workbench, staticDir, port: 0, host: '0.0.0.0', beyondLoopback: true });
      try {
        const lan = { port: wide.port, address: LAN_IPV4! };
        const lanHost = `${LAN_IPV4!}:${wide.port}`;
        expect(wide.allowedHosts).toEqual(expect.arrayContaining([`127.0.0.1:${wide.port}`, `localhost:${wide.port}`, lanHost]));
        expect(wide.url).toBe(`http://127.0.0.1:${wide.port}/?token=${wide.token}`);
        expect((await sendControl({ target: `/?token=${wide.token}`, host: lanHost, headers: { Origin: `http://${lanHost}` } }, lan)).status).toBe(302);
        expect((await sendControl({ target: `/ws?token=${wide.token}`, host: lanHost, websocket: true }, lan)).upgraded).toBe(true);
        expect((await sendControl({ target: `/?token=${wide.token}`, host: `127.0.0.1:${wide.port}` }, { port: wide.port })).status).toBe(302);
        secrets.push(wide.token);
        const cases: Hostile[] = [...overBoth('no token, over the LAN', 401, '', lanHost)];
        for (const host of foreignHosts(wide.port, server.port)) cases.push(...overBoth(`${describeHost(host)}, over the LAN, with the token`, 403, `?token=${wide.token}`, host));
        for (const origin of foreignOrigins(wide.port, server.port)) {
          cases.push(...overBoth(`Origin ${JSON.stringify(origin)}, over the LAN, with the token`, 403, `?token=${wide.token}`, lanHost, { Origin: origin }));
        }
        expect(await sendHostile(cases, lan)).toEqual([]);
      } finally {
        await wide.close();
      }
    },
  );

  it.skipIf(missing(!LAN_IPV4 && 'this machine has no non-loopback IPv4 address: the LAN-address bind is not tried'))(
    'on one LAN address: answers to that address only',
    async () => {
      const one = await startServer({ workbench, staticDir, port: 0, host: LAN_IPV4!, beyondLoopback: true });
      try {
        const lan = { port: one.port, address: LAN_IPV4! };
        expect(one.allowedHosts).toEqual([`${LAN_IPV4!}:${one.port}`]);
        expect(one.url).toBe(`http://${LAN_IPV4!}:${one.port}/?token=${one.token}`);
        expect((await sendControl({ target: `/ws?token=${one.token}`, host: `${LAN_IPV4!}:${one.port}`, websocket: true }, lan)).upgraded).toBe(true);
        secrets.push(one.token);
        const cases: Hostile[] = [
          ...overBoth('Host 127.0.0.1 (not where it listens), with the token', 403, `?token=${one.token}`, `127.0.0.1:${one.port}`),
          ...overBoth('Host localhost (not where it listens), with the token', 403, `?token=${one.token}`, `localhost:${one.port}`),
          ...overBoth('Host evil.com, with the token', 403, `?token=${one.token}`, `evil.com:${one.port}`),
          ...overBoth('Origin http://localhost, with the token', 403, `?token=${one.token}`, `${LAN_IPV4!}:${one.port}`, { Origin: `http://localhost:${one.port}` }),
          ...overBoth('no token', 401, '', `${LAN_IPV4!}:${one.port}`),
        ];
        expect(await sendHostile(cases, lan)).toEqual([]);
      } finally {
        await one.close();
      }
    },
  );

  it.skipIf(missing(!HAS_IPV6_LOOPBACK && 'this machine has no IPv6 loopback (::1): the IPv6 bind is not tried'))(
    'on ::1: answers to [::1] and localhost, in brackets',
    async () => {
      const six = await startServer({ workbench, staticDir, port: 0, host: '::1' });
      try {
        const at = { port: six.port, address: '::1' };
        expect(six.allowedHosts).toEqual([`[::1]:${six.port}`, `localhost:${six.port}`]);
        expect(six.url).toBe(`http://[::1]:${six.port}/?token=${six.token}`);
        expect((await sendControl({ target: `/?token=${six.token}`, host: `[::1]:${six.port}`, headers: { Origin: `http://[::1]:${six.port}` } }, at)).status).toBe(302);
        secrets.push(six.token);
        const cases: Hostile[] = [
          ...overBoth('Host 127.0.0.1 (not where it listens), with the token', 403, `?token=${six.token}`, `127.0.0.1:${six.port}`),
          ...overBoth('Host ::1 without brackets, with the token', 403, `?token=${six.token}`, `::1:${six.port}`),
          ...overBoth('Host [0:0:0:0:0:0:0:1] (not the browser spelling), with the token', 403, `?token=${six.token}`, `[0:0:0:0:0:0:0:1]:${six.port}`),
          ...overBoth('Host evil.com, with the token', 403, `?token=${six.token}`, `evil.com:${six.port}`),
          ...overBoth('no token', 401, '', `[::1]:${six.port}`),
        ];
        expect(await sendHostile(cases, at)).toEqual([]);
      } finally {
        await six.close();
      }
    },
  );
});

it('admits none of the hostile requests, and every control', () => {
  const total = tally.http + tally.ws;
  const refused = tally.refused[401] + tally.refused[403];
  console.log(
    `[server-hostile] ${total} requests (${tally.http} HTTP, ${tally.ws} WebSocket upgrades), refused ${refused} ` +
      `(401: ${tally.refused[401]}, 403: ${tally.refused[403]}), admitted ${tally.admitted.length}; ` +
      `controls with the token admitted ${tally.controlsAdmitted}/${tally.controls}`,
  );
  expect(total).toBeGreaterThan(200);
  expect(tally.admitted, tally.admitted.join('\n')).toEqual([]);
  expect(refused).toBe(total);
  expect(tally.controlsAdmitted).toBe(tally.controls);
});
