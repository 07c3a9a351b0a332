/**
 * The names of the metrics core itself exposes (HTTP, gRPC, cache, database pool). Each lib declares its own
 * next to the code that observes them (ProviderMetrics, CatalogMetrics, AuthMetrics) on core's registry; the
 * dashboard and alert tests check their PromQL against the live /metrics output, and the runbook documents
 * every name.
 */
export const METRIC = {
  /** OpenTelemetry's HTTP semantic-convention name, in seconds; labels method, route (template), status_code. */
  httpDuration: 'http_server_request_duration_seconds',
  /** The go-grpc-prometheus names, so existing gRPC dashboards work unchanged. */
  grpcStarted: 'grpc_server_started_total',
  grpcHandled: 'grpc_server_handled_total',
  grpcHandlingSeconds: 'grpc_server_handling_seconds',
  cacheLookups: 'chorus_cache_lookups_total',
  dbPoolInUse: 'chorus_db_pool_connections_in_use',
  dbPoolIdle: 'chorus_db_pool_connections_idle',
  dbPoolWaiting: 'chorus_db_pool_waiting_requests',
} as const;

/** Seconds; OpenTelemetry's recommended HTTP server buckets, fine enough below 100 ms where Chorus lives. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

export type CacheLayerLabel = 'l1' | 'l2';
/** `error`: Redis was down or slower than REDIS_TIMEOUT_MS, which the cache treats as a miss. */
export type CacheResultLabel = 'hit' | 'miss' | 'error';
