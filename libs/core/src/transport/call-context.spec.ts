import { acceptRequestId, newRequestId } from './call-context';

/** RFC 9562: 8-4-4-4-12 lowercase hex, version 4 (random), variant 10xx. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(newRequestId.name, () => {
  it('should make ids that are UUID-shaped and never repeat within a process', () => {
    const ids = Array.from({ length: 50_000 }, () => newRequestId());
    expect(ids.every((id) => UUID_V4.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should make ids a caller may send back and have kept', () => {
    const id = newRequestId();
    expect(acceptRequestId(id)).toBe(id);
  });
});

describe(acceptRequestId.name, () => {
  it('should keep a short plain id the caller sent', () => {
    expect(acceptRequestId('abc-123')).toBe('abc-123');
  });

  it('should replace an id that could forge a log line with a new one', () => {
    expect(acceptRequestId('a\nb')).toMatch(UUID_V4);
    expect(acceptRequestId(undefined)).toMatch(UUID_V4);
    expect(acceptRequestId('x'.repeat(129))).toMatch(UUID_V4);
  });
});
