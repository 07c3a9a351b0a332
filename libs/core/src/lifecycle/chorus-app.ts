import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { API_SECURITY_HEADERS, DOCS_PATH_PREFIX, securityHeaders } from './security-headers';
import type { INestApplicationContext, Type } from '@nestjs/common';
import { setLogger as setGrpcLogger } from '@grpc/grpc-js';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { OpenApiDocumentBuilder } from '../openapi/openapi.document';
import type { OpenApiDocument, RouteAccessReader } from '../openapi/openapi.types';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage, Server } from 'node:http';
import { AppSettings, GrpcSettings, HttpSettings } from '../config/core.settings';
import { parseSettings, validateAllSettings } from '../config/settings';
import { normalizeError, sendProblem } from '../errors/exceptions.filter';
import { AppLogger, createRootLoggers } from '../logging/app-logger.service';
import { grpcMetricsObserver } from '../metrics/grpc-metrics.observer';
import { listenMetrics, mountMetricsRoute } from '../metrics/metrics.endpoint';
import { MetricsService } from '../metrics/metrics.service';
import { MetricsSettings } from '../metrics/metrics.settings';
import { shutdownTracing, startTracing } from '../tracing/tracing';
import { acceptRequestId, REQUEST_ID_HEADER } from '../transport/call-context';
import { buildGrpcOptions, type GrpcServerAttachment } from '../transport/grpc/grpc.options';
import { installAccessLog } from '../transport/http/access-log';
import { installClientAddress } from '../transport/http/client-address.hook';
import { normalizeAddress, TrustedProxies } from '../transport/client-address';
import { installBodyDepthLimit } from '../transport/http/body-depth-limit';
import { installEmptyJsonBody } from '../transport/http/empty-json-body';
import { installNotModified } from '../transport/http/not-modified';
import { LifecycleState } from './lifecycle.state';
import { listenOrExplain } from './startup-error';
import { HttpCache } from '../http-cache/http-cache';
import { installHttpCache } from '../http-cache/http-cache.hooks';
import { HttpCacheFront } from '../http-cache/http-cache.front';
import { RequestKeys } from '../http-cache/request-keys';

export interface ChorusAppOptions {
  /** Providers (resolved from the app) that add services to the raw gRPC server, e.g. grpc.health.v1. */
  grpcAttachments?: Array<Type<GrpcServerAttachment>>;
  /** Who may call each route, for the OpenAPI document's security (the auth lib's `readRouteAccess`). */
  routeAccess?: RouteAccessReader;
}

export interface ChorusApp {
  app: NestFastifyApplication;
  logger: AppLogger;
  settings: { app: AppSettings; http: HttpSettings; grpc: GrpcSettings; metrics: MetricsSettings };
  /** The separate /metrics listener when METRICS_PORT is set. */
  metricsServer?: Server;
}

/**
 * Headers every answer carries, errors and unknown routes included, so set as the request arrives: the request
 * id, `connection: close` while draining (clients reconnect to another replica instead of reusing a socket that
 * is about to close), and the security headers. API answers get the OWASP REST set; the pages under /docs get
 * helmet's, with a CSP loosened only as far as Swagger UI needs (its inline <style>, data: icons) and without
 * upgrade-insecure-requests, which would break /docs served over plain HTTP inside a cluster. CORS from
 * HTTP_CORS_ORIGINS, closed when empty.
 */
function installSecurity(app: NestFastifyApplication, http: HttpSettings): void {
  const docsHeaders = securityHeaders();
  const lifecycle = app.get(LifecycleState);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      void reply.headers(request.url.startsWith(DOCS_PATH_PREFIX) ? docsHeaders : API_SECURITY_HEADERS);
      void reply.header(REQUEST_ID_HEADER, request.id);
      if (lifecycle.isDraining) {
        void reply.header('connection', 'close');
      }
      done();
    });
  const origins = http.HTTP_CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length > 0) {
    app.enableCors({
      origin: origins.includes('*') ? '*' : origins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-none-match', REQUEST_ID_HEADER],
      exposedHeaders: [
        REQUEST_ID_HEADER,
        'etag',
        'retry-after',
        'x-cache',
        'cache-status',
        'ratelimit-policy',
        'ratelimit',
      ],
      maxAge: 600,
    });
  }
}

/** The OpenAPI document of the app's REST routes (also written to a file by scripts/openapi.ts). */
export function buildChorusOpenApi(app: INestApplicationContext, routeAccess?: RouteAccessReader): OpenApiDocument {
  return new OpenApiDocumentBuilder({
    title: 'Chorus',
    version: '1',
    description:
      'Music metadata aggregator. The same operations are served over gRPC (package chorus.v1) with the same ' +
      'messages: REST bodies are their JSON (camelCase) form. Errors are RFC 9457 problems.',
    routeAccess,
  }).build(app.get(ModulesContainer));
}

function setupOpenApi(app: NestFastifyApplication, routeAccess?: RouteAccessReader): void {
  const document = buildChorusOpenApi(app, routeAccess);
  const path = DOCS_PATH_PREFIX.slice(1);
  SwaggerModule.setup(path, app, document as unknown as OpenAPIObject, {
    jsonDocumentUrl: `${path}-json`,
    yamlDocumentUrl: `${path}-yaml`,
  });
}

/** Builds the hybrid app (REST on Fastify + gRPC) without listening. */
export async function createChorusApp(rootModule: Type, options: ChorusAppOptions = {}): Promise<ChorusApp> {
  validateAllSettings();
  const settings = {
    app: parseSettings(AppSettings),
    http: parseSettings(HttpSettings),
    grpc: parseSettings(GrpcSettings),
    metrics: parseSettings(MetricsSettings),
  };
  // Normally already started by @app/core's preload; this covers a settings change since (tests).
  startTracing();
  const loggers = createRootLoggers(settings.app.LOG_LEVEL);
  const logger = new AppLogger(loggers.app, loggers.access);
  // grpc-js writes its own errors to stderr (a bind failure among them); they belong in the log, not before the
  // one line a failed start prints there.
  setGrpcLogger({ error: (...parts: unknown[]) => logger.warn(parts.map(String).join(' '), 'grpc-js') });
  const trusted = new TrustedProxies(settings.http.HTTP_TRUSTED_PROXIES);
  const front = new HttpCacheFront();
  const adapter = new FastifyAdapter({
    // The HTTP cache's front door answers a fresh hit before Fastify (http-cache.front.ts says when and why).
    serverFactory: front.serverFactory,
    bodyLimit: settings.http.HTTP_BODY_LIMIT_BYTES,
    // The same trust for Fastify's own request.ip/protocol/host as for the client address (installClientAddress).
    trustProxy: trusted.empty ? false : (address: string) => trusted.trusts(normalizeAddress(address) ?? ''),
    genReqId: (request: IncomingMessage) => acceptRequestId(request.headers[REQUEST_ID_HEADER]),
    return503OnClosing: true,
    // A malformed URL or an over-long path parameter, refused by Fastify before routing: the same problem answer.
    // No onRequest hook runs for these, so they get the API answers' security headers here.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const tooLong = error.statusCode === 414;
      void reply.headers(API_SECURITY_HEADERS);
      sendProblem(
        reply,
        {
          ...normalizeError(error),
          detail: tooLong ? 'A path parameter is longer than allowed' : 'The URL is not valid',
        },
        request.id,
      );
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(rootModule, adapter, {
    logger,
    abortOnError: false,
    // Nest's body parsers add application/x-www-form-urlencoded, which the API does not document: any form could
    // then post to it (a whole JSON text became one field name, echoed in the problem). Fastify's own JSON parser
    // (same body limit, __proto__ refused) stays; other content types get 415.
    bodyParser: false,
  });
  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  // The HTTP edge (libs/core/src/transport/http/): only what Nest's pipeline cannot express; each file says why.
  installSecurity(app, settings.http);
  installClientAddress(fastify, trusted);
  installEmptyJsonBody(fastify);
  installBodyDepthLimit(fastify);
  installNotModified(fastify);
  installAccessLog(fastify, { logger, metrics: metrics.enabled ? metrics : undefined });
  // After the app's onSend hooks, so it keeps answers with their final headers.
  installHttpCache(fastify, app.get(HttpCache), app.get(RequestKeys));
  const lifecycle = app.get(LifecycleState);
  front.attach({
    cache: app.get(HttpCache),
    logger,
    metrics: metrics.enabled ? metrics : undefined,
    isDraining: () => lifecycle.isDraining,
    corsEnabled: settings.http.HTTP_CORS_ORIGINS.split(',').some((origin) => origin.trim() !== ''),
  });
  if (metrics.enabled && settings.metrics.METRICS_PORT === 0) {
    mountMetricsRoute(fastify, metrics);
  }
  if (settings.http.HTTP_DOCS_ENABLED) {
    setupOpenApi(app, options.routeAccess);
  }
  const attachments = (options.grpcAttachments ?? []).map((type) => app.get(type));
  const grpcOptions = buildGrpcOptions(settings.grpc, attachments, {
    trusted,
    onCompleted: logger.access.isLevelEnabled('info')
      ? (completion) => logger.access.info({ ...completion, transport: 'rpc' }, 'request completed')
      : undefined,
    observe: metrics.enabled ? grpcMetricsObserver(metrics) : undefined,
  });
  app.connectMicroservice(grpcOptions, { inheritAppConfig: true });
  return { app, logger, settings };
}

/** Listens on both transports: HTTP first, so gRPC clients never reach a half-started app. */
export async function listenChorus(chorus: ChorusApp): Promise<void> {
  const { metrics, http, grpc } = chorus.settings;
  await listenOrExplain('HTTP_PORT', http.HTTP_HOST, http.HTTP_PORT, () =>
    chorus.app.listen(http.HTTP_PORT, http.HTTP_HOST),
  );
  await listenOrExplain('GRPC_PORT', grpc.GRPC_HOST, grpc.GRPC_PORT, () => chorus.app.startAllMicroservices());
  if (metrics.METRICS_ENABLED && metrics.METRICS_PORT !== 0) {
    chorus.metricsServer = await listenOrExplain('METRICS_PORT', http.HTTP_HOST, metrics.METRICS_PORT, () =>
      listenMetrics(chorus.app.get(MetricsService), http.HTTP_HOST, metrics.METRICS_PORT),
    );
  }
  chorus.logger.log(
    `Chorus serving HTTP on ${chorus.settings.http.HTTP_HOST}:${chorus.settings.http.HTTP_PORT} and gRPC on ${chorus.settings.grpc.GRPC_HOST}:${chorus.settings.grpc.GRPC_PORT}`,
    'Bootstrap',
  );
}

/**
 * Graceful stop: readiness turns false at once, then after the drain delay both listeners stop taking new
 * work while in-flight calls finish, then connections and pools close. Resolves true when it all finished
 * within SHUTDOWN_TIMEOUT_MS.
 */
export async function stopChorus(chorus: ChorusApp): Promise<boolean> {
  const { app, settings, logger } = chorus;
  app.get(LifecycleState).markDraining();
  logger.log('draining: readiness is now false', 'Shutdown');
  await new Promise((resolve) => setTimeout(resolve, settings.app.SHUTDOWN_DRAIN_DELAY_MS));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), settings.app.SHUTDOWN_TIMEOUT_MS);
  });
  // Keep-alive sockets still busy when closing began would hold the server open until their idle timeout;
  // answers now carry `connection: close`, and sockets that went idle since are closed as they appear.
  const server = app.getHttpServer();
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  const closed = app.close().then(() => true);
  const finished = await Promise.race([closed, timedOut]);
  clearTimeout(timer);
  clearInterval(sweeper);
  // Last: Prometheus can scrape the final counts while draining, and the last spans get flushed.
  await new Promise<void>((resolve) =>
    chorus.metricsServer ? chorus.metricsServer.close(() => resolve()) : resolve(),
  );
  await shutdownTracing();
  logger.log(finished ? 'stopped cleanly' : 'shutdown timed out', 'Shutdown');
  return finished;
}
