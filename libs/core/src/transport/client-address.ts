import { BlockList, isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;
const BRACKETED = /^\[([^\]]+)\](?::\d{1,5})?$/;
const IPV4_WITH_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/;
const CIDR = /^([^/\s]+)(?:\/(\d{1,3}))?$/;

/**
 * One address as the same string whatever wrote it: IPv4-mapped IPv6 (a dual-stack socket's `::ffff:1.2.3.4`)
 * as plain IPv4, IPv6 in lower case, brackets and a port (`[::1]:443`, `1.2.3.4:80`, as some proxies write
 * hops) dropped. `undefined` when it is not an IP address at all.
 */
export function normalizeAddress(raw: string): string | undefined {
  let text = raw.trim();
  if (isIP(text) === 0) {
    text = BRACKETED.exec(text)?.[1] ?? IPV4_WITH_PORT.exec(text)?.[1] ?? text;
  }
  const family = isIP(text);
  if (family === 4) {
    return text;
  }
  if (family === 6) {
    return MAPPED_IPV4.exec(text)?.[1] ?? text.toLowerCase();
  }
  return undefined;
}

/** `ipv4:1.2.3.4:5000` / `ipv6:[::1]:5000` (grpc-js's peer) or a socket's remote address. */
export function normalizePeer(peer: string): string | undefined {
  return normalizeAddress(peer.replace(/^ipv[46]:/, ''));
}

/** Why an HTTP_TRUSTED_PROXIES entry is refused, or undefined when it is a valid address or CIDR range. */
export function trustedProxyEntryProblem(entry: string): string | undefined {
  const match = CIDR.exec(entry);
  const family = match ? isIP(match[1]) : 0;
  if (!match || family === 0) {
    return `"${entry}" is not an IP address or CIDR range`;
  }
  const bits = match[2] === undefined ? (family === 4 ? 32 : 128) : Number(match[2]);
  if (bits > (family === 4 ? 32 : 128)) {
    return `"${entry}" has a prefix longer than the address`;
  }
  if (bits === 0) {
    return `"${entry}" trusts every address, so any client could write its own address into X-Forwarded-For`;
  }
  return undefined;
}

/** The proxies (HTTP_TRUSTED_PROXIES) whose X-Forwarded-For hops are believed; empty trusts none. */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  /** `cidrs`: comma-separated addresses or CIDR ranges, already validated by the settings. */
  constructor(cidrs: string) {
    const entries = cidrs
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    for (const entry of entries) {
      const [address, bits] = entry.split('/');
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      this.list.addSubnet(address, bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits), family);
    }
    this.empty = entries.length === 0;
  }

  /** A normalized address (see normalizeAddress); BlockList also matches IPv4 ranges for mapped IPv6. */
  trusts(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && !this.empty && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Every hop of X-Forwarded-For headers (repeated headers count as one list, in order), left to right. */
function forwardedHops(forwardedFor: string | readonly string[] | undefined): string[] {
  const headers = typeof forwardedFor === 'string' ? [forwardedFor] : (forwardedFor ?? []);
  return headers.flatMap((header) => header.split(','));
}

/**
 * The caller's address, the same on both transports: the TCP peer, unless it is a trusted proxy, in which case
 * X-Forwarded-For is read from the right (each proxy appends the address it saw) and the first hop that is
 * not a trusted proxy is the client. Hops left of it were written by the client and are never believed. A
 * malformed hop ends the walk at the last address known good (the proxy that passed it on): a garbage string
 * must not become a rate-limit key or a login-history entry. All hops trusted: the left-most.
 */
export function clientAddress(
  peer: string,
  forwardedFor: string | readonly string[] | undefined,
  trusted: TrustedProxies,
): string {
  let client = normalizePeer(peer) ?? peer;
  if (trusted.empty) {
    return client;
  }
  const hops = forwardedHops(forwardedFor);
  for (let i = hops.length - 1; i >= 0 && trusted.trusts(client); i -= 1) {
    const hop = normalizeAddress(hops[i]);
    if (hop === undefined) {
      return client;
    }
    client = hop;
  }
  return client;
}
