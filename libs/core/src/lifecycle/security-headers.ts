import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

export const HELMET_OPTIONS: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    useDefaults: true,
    directives: {
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:'],
      'frame-ancestors': ["'none'"],
      'upgrade-insecure-requests': null,
    },
  },
  // Cover images and public metadata may be embedded by other sites; credentials are bearer tokens, not cookies.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
};

/**
 * The headers of every API answer (JSON, problem+json, metrics): the OWASP REST Security Cheat Sheet's set. A
 * JSON answer loads nothing and may be framed by nobody, so its CSP is `default-src 'none'`; helmet's HTML-page
 * headers (X-DNS-Prefetch-Control, Origin-Agent-Cluster, X-Download-Options…) would only add bytes and per-header
 * work to every answer (bench/README.md: ~11% of warm throughput).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** Swagger UI and its documents: the HTML pages helmet's full set is made for. */
export const DOCS_PATH_PREFIX = '/docs';

/**
 * helmet's headers, computed once, for the pages under /docs. @fastify/helmet runs the whole helmet middleware
 * chain (and re-parses the CSP) on every request; these headers never vary per request here, so one precomputed
 * set is enough.
 */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): Record<string, string> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) {
    throw failure instanceof Error ? failure : new Error('helmet refused its options');
  }
  return Object.fromEntries(headers);
}
