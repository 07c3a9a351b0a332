import {
  clientAddress,
  normalizeAddress,
  normalizePeer,
  trustedProxyEntryProblem,
  TrustedProxies,
} from './client-address';

describe(clientAddress.name, () => {
  const cluster = new TrustedProxies('10.0.0.0/8, fd00::/8');

  it('should take the TCP peer and ignore X-Forwarded-For when no proxy is trusted', () => {
    const sut = new TrustedProxies('');
    expect(clientAddress('10.1.2.3', '198.51.100.7', sut)).toBe('10.1.2.3');
  });

  it('should ignore a forged X-Forwarded-For from an untrusted peer', () => {
    expect(clientAddress('203.0.113.9', '198.51.100.7', cluster)).toBe('203.0.113.9');
  });

  it('should take the right-most hop that is not a trusted proxy', () => {
    // The client forged the first two hops; the ingress (10.0.0.5) appended the address it saw, 203.0.113.9.
    const chain = '1.1.1.1, 10.9.9.9, 203.0.113.9, 10.0.0.7';
    expect(clientAddress('10.0.0.5', chain, cluster)).toBe('203.0.113.9');
  });

  it('should read repeated headers as one list, in order', () => {
    expect(clientAddress('10.0.0.5', ['1.1.1.1, 198.51.100.2', '10.0.0.6'], cluster)).toBe('198.51.100.2');
  });

  it('should answer the left-most hop when every hop is a trusted proxy', () => {
    expect(clientAddress('10.0.0.5', '10.0.0.1, 10.0.0.2', cluster)).toBe('10.0.0.1');
  });

  it('should answer the trusted peer itself when it forwards no header', () => {
    expect(clientAddress('10.0.0.5', undefined, cluster)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '', cluster)).toBe('10.0.0.5');
  });

  it('should stop at the last good address when a hop is malformed, never answering the garbage', () => {
    expect(clientAddress('10.0.0.5', 'evil, not-an-ip', cluster)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '198.51.100.1, 10.0.0.9, <script>', cluster)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '999.1.1.1', cluster)).toBe('10.0.0.5');
    // Left of an untrusted hop nothing is read, malformed or not.
    expect(clientAddress('10.0.0.5', 'garbage, 198.51.100.1', cluster)).toBe('198.51.100.1');
  });

  it('should handle IPv6 peers and hops, with brackets and ports as proxies write them', () => {
    expect(clientAddress('ipv6:[fd00::1]:50123', '2001:DB8::42', cluster)).toBe('2001:db8::42');
    expect(clientAddress('fd00::1', '[2001:db8::1]:4711, fd12::3', cluster)).toBe('2001:db8::1');
    expect(clientAddress('2001:db8::9', '198.51.100.1', cluster)).toBe('2001:db8::9');
  });

  it('should treat an IPv4-mapped IPv6 peer as its IPv4 address, trusted by an IPv4 range', () => {
    expect(clientAddress('::ffff:10.0.0.5', '198.51.100.3:5555', cluster)).toBe('198.51.100.3');
    expect(clientAddress('::ffff:203.0.113.1', '198.51.100.3', cluster)).toBe('203.0.113.1');
  });

  it('should read grpc-js peers', () => {
    expect(clientAddress('ipv4:10.0.0.5:40000', '198.51.100.4', cluster)).toBe('198.51.100.4');
    expect(clientAddress('ipv4:203.0.113.5:40000', '198.51.100.4', cluster)).toBe('203.0.113.5');
  });

  it('should trust single addresses as well as ranges', () => {
    const sut = new TrustedProxies('127.0.0.1,::1');
    expect(clientAddress('127.0.0.1', '198.51.100.5', sut)).toBe('198.51.100.5');
    expect(clientAddress('::1', '198.51.100.5', sut)).toBe('198.51.100.5');
    expect(clientAddress('127.0.0.2', '198.51.100.5', sut)).toBe('127.0.0.2');
  });
});

describe(normalizeAddress.name, () => {
  it('should refuse what is not an address', () => {
    for (const raw of ['', 'unknown', '1.2.3', '1.2.3.4.5', '::g', '[1.2.3.4', 'a.b.c.d:80', '1.2.3.4:']) {
      expect({ raw, address: normalizeAddress(raw) }).toEqual({ raw, address: undefined });
    }
  });

  it('should keep plain addresses and trim spaces', () => {
    expect(normalizeAddress(' 192.0.2.1 ')).toBe('192.0.2.1');
    expect(normalizeAddress('::1')).toBe('::1');
  });

  it('should read grpc-js peer strings', () => {
    expect(normalizePeer('ipv4:192.0.2.1:5000')).toBe('192.0.2.1');
    expect(normalizePeer('ipv6:[::1]:5000')).toBe('::1');
    expect(normalizePeer('unix:/tmp/socket')).toBeUndefined();
  });
});

describe(trustedProxyEntryProblem.name, () => {
  it('should accept addresses and CIDR ranges of either family', () => {
    for (const entry of ['10.0.0.0/8', '192.168.1.1', 'fd00::/8', '::1', '172.16.0.0/12']) {
      expect({ entry, problem: trustedProxyEntryProblem(entry) }).toEqual({ entry, problem: undefined });
    }
  });

  it('should refuse malformed entries and ranges that trust everyone', () => {
    expect(trustedProxyEntryProblem('true')).toMatch(/not an IP address/);
    expect(trustedProxyEntryProblem('10.0.0.0/33')).toMatch(/prefix longer/);
    expect(trustedProxyEntryProblem('0.0.0.0/0')).toMatch(/trusts every address/);
    expect(trustedProxyEntryProblem('::/0')).toMatch(/trusts every address/);
  });
});
