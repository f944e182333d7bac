/**
 * Where `lathe serve` listens. Loopback (127.0.0.1) by default. Any other address (0.0.0.0, ::, a LAN IP)
 * exposes the whole workbench to the network behind nothing but the token, over plain HTTP, so it is only
 * ever chosen on purpose: with `--host` on the command line, and announced with a warning. The environment
 * (LATHE_HOST) may pick another loopback address, never more.
 */
import { BlockList, isIP } from 'node:net';
import { err, ok, type Result } from '../common/result';

export const DEFAULT_BIND_HOST = '127.0.0.1';
/** The environment variable that may choose another loopback address. (Never `HOST`: shells set it to the machine's name.) */
export const BIND_HOST_ENV = 'LATHE_HOST';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** An IP address in the form URLs and Host headers use: IPv6 in brackets and compressed (`[::1]`), IPv4 as is. */
export function hostForUrl(address: string): string {
  return isIP(address) === 6 ? new URL(`http://[${address}]/`).hostname : address;
}

/** 127.0.0.0/8 and ::1, IPv4-mapped forms included (`::ffff:127.0.0.1`). False for anything that is not an IP address. */
export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** 0.0.0.0 or :: (in any spelling): every interface of the machine. */
export function isWildcardAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address === '0.0.0.0';
  return family === 6 && hostForUrl(address) === '[::]';
}

export interface BindChoice {
  /** An IP address, ready for `listen`. */
  readonly host: string;
  /** True when the address reaches beyond this machine's loopback interface: warn, and say so. */
  readonly beyondLoopback: boolean;
}

/** `localhost` means 127.0.0.1; `[::1]` means ::1; anything else must be an IP address (no name lookups). */
function parseAddress(raw: string, source: string): Result<string> {
  const value = raw.trim();
  if (value.toLowerCase() === 'localhost') return ok(DEFAULT_BIND_HOST);
  const unbracketed = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIP(unbracketed) === 0) {
    return err('INVALID_ARGUMENT', `${source} takes an IP address, such as 127.0.0.1 (the default) or 0.0.0.0 (got "${raw}")`);
  }
  // Browsers can't put a zone (fe80::1%eth0) in a URL, so the Host check could never match it.
  if (unbracketed.includes('%')) return err('INVALID_ARGUMENT', `${source} takes an address without a zone (got "${raw}")`);
  return ok(unbracketed);
}

/**
 * The address to listen on, from `--host` (`flag`, undefined when not given) and the environment.
 * Only the flag may leave loopback: a non-loopback LATHE_HOST is refused, not obeyed.
 */
export function chooseBindHost(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): Result<BindChoice> {
  if (flag !== undefined) {
    const address = parseAddress(flag, '--host');
    if (!address.ok) return address;
    return ok({ host: address.value, beyondLoopback: !isLoopbackAddress(address.value) });
  }
  const fromEnv = env[BIND_HOST_ENV];
  if (fromEnv === undefined || fromEnv.trim() === '') return ok({ host: DEFAULT_BIND_HOST, beyondLoopback: false });
  const address = parseAddress(fromEnv, BIND_HOST_ENV);
  if (!address.ok) return address;
  if (!isLoopbackAddress(address.value)) {
    return err(
      'INVALID_ARGUMENT',
      `${BIND_HOST_ENV}=${fromEnv} is not a loopback address. Listening beyond this machine takes the explicit ` +
        `command-line flag --host ${address.value}, never the environment.`,
    );
  }
  return ok({ host: address.value, beyondLoopback: false });
}

/** What `lathe serve` prints on stderr when it listens beyond loopback. `reachableAs`: the Host values it answers to. */
export function beyondLoopbackWarning(host: string, port: number, reachableAs: readonly string[]): string {
  const where = isWildcardAddress(host) ? `every interface of this machine (${host})` : hostForUrl(host);
  return (
    `lathe serve: WARNING: listening on ${where}, port ${port}, not only on this machine's loopback.\n` +
    `  Anyone who can reach it over the network and holds the token controls this workbench: your files,\n` +
    `  Python sessions and models, with your rights. The token is then the only protection, and the traffic\n` +
    `  is plain HTTP (not encrypted): the token and your files cross the network readable by anyone on the path.\n` +
    `  It answers to: ${reachableAs.join(', ')}\n` +
    `  Safer: the default (127.0.0.1) and an SSH tunnel: ssh -L ${port}:127.0.0.1:${port} <this machine>\n`
  );
}
