import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { TestApp } from '../support/test-app';

export const DAFT_PUNK = '056e4f3e-d505-4dad-8ec1-d04f521cbb56';
export const DEEZER_PLAYLIST = 'https://www.deezer.com/fr/playlist/908622995';
/** Another client: the whole of 127.0.0.0/8 is this machine, so a second source address is a second caller. */
export const OTHER_ADDRESS = '127.0.0.2';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface CallOptions {
  from?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One HTTP call from a chosen local address (supertest cannot pick one), to an app in this process or spawned. */
export function call(app: Pick<TestApp, 'httpUrl'>, path: string, options: CallOptions = {}): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = { ...options.headers, ...(payload ? { 'content-type': 'application/json' } : {}) };
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${app.httpUrl}${path}`,
      { method: options.method ?? 'GET', headers, localAddress: options.from ?? '127.0.0.1', agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const artist = (id: string): string => `/v1/artists/musicbrainz:${id}`;
