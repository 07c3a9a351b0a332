import { Inject, Injectable, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { BackgroundWork, DomainError } from '@app/core';
import { Agent, request, type Dispatcher } from 'undici';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { UpstreamFailure } from './upstream-failure';
import { redirectRefusal, type RedirectPolicy } from './redirect-policy';

export interface TransportRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
  /** Where the call may be redirected; every hop is checked. */
  redirects: RedirectPolicy;
}

/** One hop of a streamed download: the status, headers and the body still unread (undici's Readable). */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export type StreamRequest = Omit<TransportRequest, 'method' | 'body' | 'maxBytes' | 'redirects'> & { method: 'GET' };

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Cover Art Archive takes two (coverartarchive.org → archive.org → an ia*.us.archive.org node). */
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin are not carried to another. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie'];

/** One request of a chain of redirects. */
interface Hop {
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', ...CONNECT_TIMEOUT_CODES]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The only outbound HTTP I/O of the gateway: one keep-alive undici Agent (connect timeout), a total deadline per
 * attempt, and a body size cap. Redirects are followed here, up to MAX_REDIRECTS, each hop checked against the
 * provider's redirect policy (undici's own redirect interceptor cannot refuse a hop). Transport problems come out
 * as `UpstreamFailure` (timeout, connection, too-large, redirect); statuses are returned.
 */
@Injectable()
export class UpstreamTransport implements OnApplicationShutdown {
  private readonly agent: Agent;

  constructor(
    @Inject(providersSettings.KEY) settings: ProvidersSettings,
    /** Absent outside the app (the providers lib's test harness), where nothing runs in the background. */
    @Optional() private readonly background?: BackgroundWork,
  ) {
    this.agent = new Agent({
      connect: { timeout: settings.PROVIDER_CONNECT_TIMEOUT_MS },
      keepAliveTimeout: 10_000,
      connections: 32,
    });
  }

  /**
   * After the listeners stopped and in-flight calls finished (Nest runs onModuleDestroy before closing servers):
   * a request being drained may still need a provider call it has not started yet, and so may a background
   * refresh (BackgroundWork bounds that wait).
   */
  async onApplicationShutdown(): Promise<void> {
    await this.background?.settled();
    await this.agent.close();
  }

  async send(req: TransportRequest): Promise<TransportResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      return await this.follow(req, controller.signal);
    } catch (error) {
      throw this.classify(error, controller.signal.aborted, req.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private async follow(req: TransportRequest, signal: AbortSignal): Promise<TransportResponse> {
    let hop: Hop = { url: req.url, method: req.method, headers: req.headers, body: req.body };
    for (let redirects = 0; ; redirects += 1) {
      const { url, method, headers, body } = hop;
      const response = await request(url, { method, headers, body, signal, dispatcher: this.agent });
      const location = REDIRECT_STATUSES.has(response.statusCode) ? response.headers.location : undefined;
      if (typeof location !== 'string') {
        const body = await this.readBody(response, req.maxBytes);
        return { status: response.statusCode, headers: response.headers, body };
      }
      await response.body.dump();
      if (redirects >= MAX_REDIRECTS) {
        throw new UpstreamFailure('redirect', `more than ${MAX_REDIRECTS} redirects`);
      }
      hop = this.nextHop(hop, response.statusCode, location, req.redirects);
    }
  }

  private nextHop(hop: Hop, status: number, location: string, policy: RedirectPolicy): Hop {
    let url: URL;
    try {
      url = new URL(location, hop.url);
    } catch {
      throw new UpstreamFailure('redirect', 'redirect to an invalid URL refused');
    }
    const refusal = redirectRefusal(hop.url, url, policy);
    if (refusal !== undefined) {
      throw new UpstreamFailure('redirect', refusal);
    }
    const headers =
      url.origin === hop.url.origin
        ? hop.headers
        : Object.fromEntries(Object.entries(hop.headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.includes(name)));
    // As browsers do: 303, and 301/302 after a POST, fetch the new location with GET.
    const toGet = status === 303 || (hop.method === 'POST' && (status === 301 || status === 302));
    return toGet ? { url, method: 'GET', headers } : { ...hop, url, headers };
  }

  /**
   * One GET whose body is handed to `consume` unread, redirects not followed (the caller vets each hop). The
   * deadline covers `consume` too, so a slow body cannot hold a download slot past `timeoutMs`.
   */
  async stream<T>(req: StreamRequest, consume: (response: StreamedResponse) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        signal: controller.signal,
        dispatcher: this.agent,
      });
      try {
        return await consume({ status: response.statusCode, headers: response.headers, body: response.body });
      } finally {
        // Whatever consume left unread (a redirect's body, a refused image) must not keep the socket busy; the
        // abort that destroying it reports is expected.
        if (!response.body.destroyed) {
          response.body.on('error', () => undefined).destroy();
        }
      }
    } catch (error) {
      // consume refusing the body (too large, not an image) is its own answer, not a transport failure.
      throw error instanceof DomainError ? error : this.classify(error, controller.signal.aborted, req.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  private async readBody(response: Dispatcher.ResponseData, maxBytes: number): Promise<Buffer> {
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (declared > maxBytes) {
      response.body.destroy();
      throw new UpstreamFailure('too-large', `answer of ${declared} bytes exceeds the ${maxBytes} byte cap`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) {
        response.body.destroy();
        throw new UpstreamFailure('too-large', `answer exceeds the ${maxBytes} byte cap`);
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks);
  }

  private classify(error: unknown, aborted: boolean, timeoutMs: number): UpstreamFailure {
    if (error instanceof UpstreamFailure) {
      return error;
    }
    const code = errorCode(error);
    if (aborted || (code !== undefined && TIMEOUT_CODES.has(code))) {
      const what = code !== undefined && CONNECT_TIMEOUT_CODES.has(code) ? 'connect' : `${timeoutMs} ms`;
      return new UpstreamFailure('timeout', `no answer within ${what}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return UpstreamFailure.connection(code, message, error);
  }
}
