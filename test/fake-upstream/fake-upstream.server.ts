import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FixtureStore } from './fixture.store';
import { ROUTES, type FakeAnswer } from './fake-upstream.routes';
import { FakeImages } from './fake-images';

/** A switch on every request whose path starts with a prefix (e.g. `/musicbrainz/ws/2/artist`). */
export interface Fault {
  /** Added before answering (a slow provider, or a timeout when above the client's). */
  latencyMs?: number;
  /** Held until this settles: a gate the test opens when the event it waits for has happened, not after a time. */
  hold?: Promise<unknown>;
  /** Answer this status instead (429, 500, 503…) with a small JSON body. */
  status?: number;
  /** Retry-After header value sent with `status`. */
  retryAfter?: string | number;
  /** Location header sent with `status` (a redirect); `{{upstream}}` stands for the fake's base URL. */
  location?: string;
  /** A 200 whose body is not JSON. */
  malformed?: boolean;
  /** Declares the full Content-Length, sends half the body, then closes the connection. */
  truncated?: boolean;
  /** A valid JSON body padded to this many bytes (streamed, no Content-Length). */
  oversizedBytes?: number;
  /** Destroys the connection without answering. */
  reset?: boolean;
  /** Only the next N matching requests get the fault; then it is removed. Unset: until cleared. */
  times?: number;
  /** The first N matching requests are answered normally; the fault applies from the next one on. */
  after?: number;
}

export interface RecordedRequest {
  method: string;
  /** Full path incl. provider prefix, without query: `/deezer/track/3135556`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Arrival time, ms since the epoch (fractional). */
  at: number;
}

interface ActiveFault extends Fault {
  prefix: string;
}

export interface FakeUpstreamOptions {
  fixturesDir?: string;
  host?: string;
}

const IMAGE_PREFIXES = ['/archive/', '/deezer/images/', '/wikimedia-upload/'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One HTTP server standing in for every provider, each under its own prefix (`<base>/musicbrainz`,
 * `<base>/deezer`, …), answering from `test/fixtures`. Fault switches per route prefix; every request is
 * recorded so tests can count provider calls and check pacing and headers.
 */
export class FakeUpstream {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private readonly store: FixtureStore;
  private faults: ActiveFault[] = [];
  private log: RecordedRequest[] = [];
  baseUrl = '';
  /** The image bytes host (archive.org's part of Cover Art Archive), with its counters. */
  readonly images = new FakeImages();

  constructor(private readonly options: FakeUpstreamOptions = {}) {
    this.store = new FixtureStore(options.fixturesDir);
  }

  /** Listens (port 0 = a random free port) and resolves with the base URL, e.g. `http://127.0.0.1:41234`. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    this.baseUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }

  /**
   * Reads and keeps every fixture of a folder (e.g. `deezer/artist`) now, so no answer includes a disk read: a
   * benchmark that compares calls to the fake with calls through Chorus must not charge file reads to one side.
   */
  preload(folder: string): number {
    return this.store.all(folder).length;
  }

  /** `<base>/<provider>`, the value for that provider's *_BASE_URL setting. */
  url(provider: string): string {
    return `${this.baseUrl}/${provider}`;
  }

  fault(prefix: string, fault: Fault): void {
    this.faults.push({ ...fault, prefix });
  }

  clearFaults(): void {
    this.faults = [];
  }

  requests(prefix = '/'): RecordedRequest[] {
    return this.log.filter((request) => request.path.startsWith(prefix));
  }

  count(prefix = '/'): number {
    return this.requests(prefix).length;
  }

  clearLog(): void {
    this.log = [];
  }

  /** Clears faults, the request log and the image host's counters and settings. */
  reset(): void {
    this.clearFaults();
    this.clearLog();
    this.images.reset();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.log.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      at: performance.timeOrigin + performance.now(),
    });
    req.resume();
    const fault = this.takeFault(url.pathname);
    if (fault?.latencyMs) {
      await sleep(fault.latencyMs);
    }
    await fault?.hold;
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    // archive.org's image bytes, Deezer's image CDN (cdn-images.dzcdn.net/images/...) as fixtures name it, and
    // upload.wikimedia.org, where Commons' Special:FilePath redirects.
    if (!fault?.status && IMAGE_PREFIXES.some((prefix) => url.pathname.startsWith(prefix))) {
      await this.images.serve(res, url.pathname);
      return;
    }
    const answer = fault?.status ? this.faultAnswer(fault) : this.route(req, url);
    this.send(res, answer, fault);
  }

  private takeFault(path: string): ActiveFault | undefined {
    const fault = this.faults.find((candidate) => path.startsWith(candidate.prefix));
    if (fault?.after) {
      fault.after -= 1;
      return undefined;
    }
    if (fault?.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) {
        this.faults = this.faults.filter((candidate) => candidate !== fault);
      }
    }
    return fault;
  }

  private faultAnswer(fault: Fault): FakeAnswer {
    return { status: fault.status ?? 500, body: { error: `fake upstream fault ${fault.status}` } };
  }

  private route(req: IncomingMessage, url: URL): FakeAnswer {
    const [, provider, ...rest] = url.pathname.split('/');
    const route = ROUTES[provider ?? ''];
    if (!route) {
      return { status: 404, body: { error: `no fake provider ${provider}` } };
    }
    return route(this.store, {
      method: req.method ?? 'GET',
      path: `/${rest.join('/')}`,
      query: url.searchParams,
      headers: req.headers,
    });
  }

  private send(res: ServerResponse, answer: FakeAnswer, fault?: Fault): void {
    // Fixtures may name the fake itself (`{{upstream}}`, e.g. cover image URLs), whatever port it got.
    const raw = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const text = raw.replaceAll('{{upstream}}', this.baseUrl);
    const headers: Record<string, string | number> = {
      'content-type': answer.contentType ?? 'application/json; charset=utf-8',
    };
    for (const [name, value] of Object.entries(answer.headers ?? {})) {
      headers[name] = value.replaceAll('{{upstream}}', this.baseUrl);
    }
    if (fault?.retryAfter !== undefined) {
      headers['retry-after'] = String(fault.retryAfter);
    }
    if (fault?.location !== undefined) {
      headers.location = fault.location.replaceAll('{{upstream}}', this.baseUrl);
    }
    if (fault?.malformed) {
      res.writeHead(200, headers).end(`${text.slice(0, Math.max(1, text.length - 3))}<html>`);
    } else if (fault?.truncated) {
      const body = Buffer.from(text);
      res.writeHead(answer.status, { ...headers, 'content-length': body.length });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
    } else if (fault?.oversizedBytes) {
      res.writeHead(200, headers);
      res.end(`{"padding":"${'x'.repeat(fault.oversizedBytes)}","data":${text}}`);
    } else {
      res.writeHead(answer.status, { ...headers, 'content-length': Buffer.byteLength(text) }).end(text);
    }
  }
}
