import type { ProviderRegistry } from '../application/provider.registry';
import type { HttpClient } from './http.client';
import { ImageClient } from './image.client';

/** Only the configured base URLs matter to where an image may be fetched from. */
function registry(baseUrls: Record<string, string>): ProviderRegistry {
  const all = Object.entries(baseUrls).map(([name, baseUrl]) => ({ name, baseUrl }));
  return { all: () => all } as unknown as ProviderRegistry;
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
});
