import { BlockList, isIP } from 'node:net';

/** Where one provider call may be redirected. */
export interface RedirectPolicy {
  /** The hosts (`host[:port]`) of the URLs Chorus was configured to call: trusted whatever their address. */
  ownHosts: readonly string[];
  /** Further hostnames; `.example.org` admits its subdomains. */
  knownHosts: readonly string[];
}

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** A loopback, private, link-local or unspecified address, or a name that always means this machine. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return true;
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) {
    return PRIVATE.check(mapped[1], 'ipv4');
  }
  const family = isIP(host);
  return family === 0 ? false : PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

function isKnown(hostname: string, knownHosts: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return knownHosts.some((known) => (known.startsWith('.') ? host.endsWith(known) : host === known));
}

/**
 * Why a redirect from `from` to `to` must not be followed, or undefined when it may: only to the provider's own
 * hosts (the configured base URL's, or its known list), never from https down to http, and never to a private or
 * loopback address unless that is the configured host itself (a provider stand-in on this machine).
 */
export function redirectRefusal(from: URL, to: URL, policy: RedirectPolicy): string | undefined {
  if (to.protocol !== 'http:' && to.protocol !== 'https:') {
    return `redirect to a ${to.protocol} URL refused`;
  }
  if (from.protocol === 'https:' && to.protocol === 'http:') {
    return `redirect from https to http (${to.host}) refused`;
  }
  if (policy.ownHosts.includes(to.host.toLowerCase())) {
    return undefined;
  }
  if (isPrivateHost(to.hostname)) {
    return `redirect to a private address (${to.host}) refused`;
  }
  return isKnown(to.hostname, policy.knownHosts) ? undefined : `redirect to another host (${to.host}) refused`;
}
