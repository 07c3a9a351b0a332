import type { ProviderRegistry } from '../application/provider.registry';
import type { HttpClient } from './http.client';
import { ImageClient } from './image.client';

/** Only the configured base URLs (and Commons') matter to where an image may be fetched from. */
function registry(
  baseUrls: Record<string, string>,
  commonsBaseUrl = 'https://commons.wikimedia.org',
): ProviderRegistry {
  const all = Object.entries(baseUrls).map(([name, baseUrl]) => ({ name, baseUrl }));
  return { all: () => all, commonsBaseUrl } as unknown as ProviderRegistry;
}

describe(ImageClient.name, () => {
  const sut = new ImageClient(
    {} as HttpClient,
    registry({ coverartarchive: 'https://coverartarchive.org', deezer: 'http://127.0.0.1:8081/deezer' }),
  );
  const vetted = (url: string): string | undefined => sut.vetted(new URL(url))?.href;

  it("should fetch images, and follow their redirects, only on the providers' image hosts, over https", () => {
    expect(vetted('https://ia800.us.archive.org/x.jpg')).toBe('https://ia800.us.archive.org/x.jpg');
    expect(vetted('http://coverartarchive.org/release/1/front')).toBe('https://coverartarchive.org/release/1/front');
    expect(vetted('https://e-cdns-images.dzcdn.net/images/cover/1.jpg')).toBeDefined();
  });

  it('should refuse other hosts, look-alikes, private addresses and other schemes', () => {
    for (const url of [
      'https://elsewhere.example/x.jpg',
      'https://evil-dzcdn.net/x.jpg',
      'https://dzcdn.net.evil.example/x.jpg',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost/x.jpg',
      'file:///etc/passwd',
    ]) {
      expect([url, vetted(url)]).toEqual([url, undefined]);
    }
  });

  it("should fetch from a configured base URL's host as configured, and not from another port of it", () => {
    expect(vetted('http://127.0.0.1:8081/deezer/img/1.jpg')).toBe('http://127.0.0.1:8081/deezer/img/1.jpg');
    expect(vetted('http://127.0.0.1:8082/img/1.jpg')).toBeUndefined();
  });

  it("should follow Commons' FilePath redirect to upload.wikimedia.org, as Wikidata's image", () => {
    const from = new URL('https://commons.wikimedia.org/wiki/Special:FilePath/A.jpg?width=500');
    expect(sut.providerOf(from)).toBe('wikidata');
    const to = 'https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/A.jpg/500px-A.jpg';
    expect(sut.redirectTarget('wikidata', from, new URL(to))?.href).toBe(to);
  });

  it("should refuse a redirect of one provider's image to another provider's host, a look-alike or a private address", () => {
    const from = new URL('https://commons.wikimedia.org/wiki/Special:FilePath/A.jpg?width=500');
    for (const to of [
      'https://e-cdns-images.dzcdn.net/images/artist/1.jpg',
      'https://upload.wikimedia.org.evil.example/A.jpg',
      'https://elsewhere.example/A.jpg',
      'http://10.0.0.7/A.jpg',
      'http://localhost:8081/wikimedia-upload/A.jpg',
      'ftp://upload.wikimedia.org/A.jpg',
    ]) {
      expect([to, sut.redirectTarget('wikidata', from, new URL(to))]).toEqual([to, undefined]);
    }
  });

  it("should follow a configured stand-in's redirects only on its own host", () => {
    const local = new ImageClient(
      {} as HttpClient,
      registry({ deezer: 'http://127.0.0.1:8081/deezer' }, 'http://127.0.0.1:8081/commons'),
    );
    const from = new URL('http://127.0.0.1:8081/commons/wiki/Special:FilePath/A.jpg?width=250');
    expect(local.providerOf(from)).toBe('wikidata');
    expect(
      local.redirectTarget('wikidata', from, new URL('http://127.0.0.1:8081/wikimedia-upload/A.jpg')),
    ).toBeDefined();
    expect(local.redirectTarget('wikidata', from, new URL('http://127.0.0.1:8082/A.jpg'))).toBeUndefined();
    expect(local.redirectTarget('wikidata', from, new URL('http://localhost:8081/A.jpg'))).toBeUndefined();
  });
});
