import type { BreakerState } from '../upstream/provider-policies';

/** JSON form of chorus.v1.ProviderStatus (camelCase), the same on REST and gRPC. */
export interface ProviderStatusView {
  name: string;
  enabled: boolean;
  breakerState: BreakerState;
  rateLimit: { requests: number; windowSeconds: number; shared: boolean };
  lastSuccessAt?: string;
  lastErrorAt?: string;
  lastError?: string;
  latency: { samples: number; p50Ms: number; p95Ms: number; p99Ms: number };
}

export interface GetServiceStatusResponse {
  providers: ProviderStatusView[];
}
