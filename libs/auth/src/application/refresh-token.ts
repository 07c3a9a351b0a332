/**
 * A refresh token is `<session id>.<256 random bits>`: the session id finds the family in one lookup, the random
 * part is the secret, stored only as its SHA-256.
 */
const FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedRefreshToken {
  sessionId: string;
  secret: string;
}

export function formatRefreshToken(sessionId: string, secret: string): string {
  return `${sessionId}.${secret}`;
}

export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const match = FORMAT.exec(token);
  return match ? { sessionId: match[1], secret: match[2] } : undefined;
}
