import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '@app/core';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import { providersSettings, type ProvidersSettings } from '../providers.settings';
import { UpstreamFailure } from './upstream-failure';

export interface TransportRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
}

/** One hop of a streamed download: the status, headers and the body still unread (undici's Readable). */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export type StreamRequest = Omit<TransportRequest, 'method' | 'body' | 'maxBytes'> & { method: 'GET' };

export interface TransportResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const CONNECT_TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', ...CONNECT_TIMEOUT_CODES]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The only outbound HTTP I/O of the gateway: one keep-alive undici Agent (connect timeout, follows up to 3
 * redirects, as Cover Art Archive redirects to archive.org), a total deadline per attempt, and a body size cap.
 * Transport problems come out as `UpstreamFailure` (timeout, connection, too-large); statuses are returned.
 */
@Injectable()
export class UpstreamTransport implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;

  constructor(@Inject(providersSettings.KEY) settings: ProvidersSettings) {
    this.agent = new Agent({
      connect: { timeout: settings.PROVIDER_CONNECT_TIMEOUT_MS },
      keepAliveTimeout: 10_000,
      connections: 32,
    });
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: 3 }));
  }

  /**
   * After the listeners stopped and in-flight calls finished (Nest runs onModuleDestroy before closing servers):
   * a request being drained may still need a provider call it has not started yet.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.agent.close();
  }

  async send(req: TransportRequest): Promise<TransportResponse> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), req.timeoutMs);
    try {
      const response = await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
        dispatcher: this.dispatcher,
      });
      const body = await this.readBody(response, req.maxBytes);
      return { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      throw this.classify(error, controller.signal.aborted, req.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
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
    return new UpstreamFailure('connection', `connection failed (${code ?? message})`, { cause: error });
  }
}
