/**
 * Every metric name Chorus exposes, in one place: the dashboard and alert tests check their PromQL against
 * the live /metrics output, and the runbook documents these names.
 */
export const METRIC = {
  /** OpenTelemetry's HTTP semantic-convention name, in seconds; labels method, route (template), status_code. */
  httpDuration: 'http_server_request_duration_seconds',
  /** The go-grpc-prometheus names, so existing gRPC dashboards work unchanged. */
  grpcStarted: 'grpc_server_started_total',
  grpcHandled: 'grpc_server_handled_total',
  grpcHandlingSeconds: 'grpc_server_handling_seconds',
  providerRequests: 'chorus_provider_requests_total',
  providerDuration: 'chorus_provider_request_duration_seconds',
  limiterWait: 'chorus_provider_limiter_wait_seconds',
  breakerState: 'chorus_provider_breaker_state',
  cacheLookups: 'chorus_cache_lookups_total',
  catalogAnswers: 'chorus_catalog_answers_total',
  authLogins: 'chorus_auth_logins_total',
  authRefreshReuse: 'chorus_auth_refresh_reuse_detected_total',
  dbPoolInUse: 'chorus_db_pool_connections_in_use',
  dbPoolIdle: 'chorus_db_pool_connections_idle',
  dbPoolWaiting: 'chorus_db_pool_waiting_requests',
} as const;

/** Seconds; OpenTelemetry's recommended HTTP server buckets, fine enough below 100 ms where Chorus lives. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Upstream calls and limiter waits are slower than our own answers: up to the provider timeouts. */
export const UPSTREAM_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30];

export type CacheLayerLabel = 'l1' | 'l2';
/** `error`: Redis was down or slower than REDIS_TIMEOUT_MS, which the cache treats as a miss. */
export type CacheResultLabel = 'hit' | 'miss' | 'error';

/** The catalog's own spelling (`Freshness` in @app/catalog); exported in lower case. */
export type CatalogFreshnessLabel = 'HIT' | 'MISS' | 'STALE';

export type LoginOutcome = 'success' | 'failure' | 'throttled';

/** How one provider request (after retries) ended. */
export type ProviderOutcome = 'success' | 'not_found' | 'rate_limited' | 'unavailable' | 'timeout' | 'error';

export type BreakerStateLabel = 'closed' | 'open' | 'half_open' | 'isolated';

export const BREAKER_STATES: readonly BreakerStateLabel[] = ['closed', 'open', 'half_open', 'isolated'];
