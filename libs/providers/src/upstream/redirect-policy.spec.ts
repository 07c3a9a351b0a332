import { PROVIDER_DEFAULTS } from '../domain/provider-defaults';
import { isPrivateHost, redirectRefusal, type RedirectPolicy } from './redirect-policy';

const ARCHIVE: RedirectPolicy = {
  ownHosts: ['coverartarchive.org'],
  knownHosts: PROVIDER_DEFAULTS.coverartarchive.redirectHosts,
};
/** A provider stand-in on this machine, as tests and air-gapped mirrors configure it. */
const LOCAL: RedirectPolicy = { ownHosts: ['127.0.0.1:8081'], knownHosts: ['musicbrainz.org'] };
const FROM = new URL('https://coverartarchive.org/release/1');

function refusal(to: string, policy = ARCHIVE, from = FROM): string | undefined {
  return redirectRefusal(from, new URL(to), policy);
}

describe('redirectRefusal', () => {
  it("should follow a redirect to the provider's own host or a host of its known list, subdomains by a leading dot", () => {
    expect(refusal('https://coverartarchive.org/release/2')).toBeUndefined();
    expect(refusal('https://archive.org/download/x')).toBeUndefined();
    expect(refusal('https://ia800.us.archive.org/download/x')).toBeUndefined();
  });

  it('should refuse another host, a look-alike of a known one included', () => {
    expect(refusal('https://elsewhere.example/x')).toMatch(/another host/);
    expect(refusal('https://evilarchive.org/x')).toMatch(/another host/);
    expect(refusal('https://archive.org.evil.example/x')).toMatch(/another host/);
    expect(refusal('https://musicbrainz.org/ws/2')).toMatch(/another host/);
  });

  it('should refuse https to http and any scheme but http(s)', () => {
    expect(refusal('http://archive.org/download/x')).toMatch(/https to http/);
    expect(refusal('file:///etc/passwd')).toMatch(/file: URL/);
    expect(refusal('ftp://archive.org/x')).toMatch(/ftp: URL/);
  });

  it('should refuse loopback, private and link-local addresses, however they are written', () => {
    for (const to of [
      'https://127.0.0.1/x',
      'https://2130706433/x',
      'https://0x7f.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://[fd00::1]/x',
      'https://localhost/x',
      'https://api.localhost/x',
    ]) {
      expect([to, refusal(to)]).toEqual([to, expect.stringMatching(/private address/)]);
    }
  });

  it('should follow the configured host even on a loopback address, and no other port or address of it', () => {
    const from = new URL('http://127.0.0.1:8081/ws/2/artist/1');
    expect(refusal('http://127.0.0.1:8081/ws/2/artist/2', LOCAL, from)).toBeUndefined();
    expect(refusal('http://127.0.0.1:8082/ws/2/artist/2', LOCAL, from)).toMatch(/private address/);
    expect(refusal('http://127.0.0.2:8081/ws/2/artist/2', LOCAL, from)).toMatch(/private address/);
  });
});

describe('isPrivateHost', () => {
  it('should leave public addresses and names to the host lists', () => {
    expect(['8.8.8.8', '[2606:4700::1111]', 'musicbrainz.org'].map(isPrivateHost)).toEqual([false, false, false]);
  });
});
