import { acceptRequestId, newRequestId } from './call-context';
import type * as CallContext from './call-context';

/** RFC 9562: 8-4-4-4-12 lowercase hex, version 8 (a layout of the issuer's own), variant 10xx. */
const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(newRequestId.name, () => {
  it('should make ids that are UUID-shaped and never repeat within a process', () => {
    const ids = Array.from({ length: 50_000 }, () => newRequestId());
    expect(ids.every((id) => UUID_V8.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should make ids a caller may send back and have kept', () => {
    const id = newRequestId();
    expect(acceptRequestId(id)).toBe(id);
  });

  it('should draw a different random prefix in each process', () => {
    const prefixes = new Set<string>();
    for (let i = 0; i < 20; i += 1) {
      // A fresh module instance is what another process (or replica) starts with.
      jest.isolateModules(() => {
        const fresh = jest.requireActual<typeof CallContext>('./call-context');
        prefixes.add(fresh.newRequestId().slice(0, 24));
      });
    }
    expect(prefixes.size).toBe(20);
  });
});

describe(acceptRequestId.name, () => {
  it('should keep a short plain id the caller sent', () => {
    expect(acceptRequestId('abc-123')).toBe('abc-123');
  });

  it('should replace an id that could forge a log line with a new one', () => {
    expect(acceptRequestId('a\nb')).toMatch(UUID_V8);
    expect(acceptRequestId(undefined)).toMatch(UUID_V8);
    expect(acceptRequestId('x'.repeat(129))).toMatch(UUID_V8);
  });
});
