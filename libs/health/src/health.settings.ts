import { defineSettings, IntSetting } from '@app/core';

export class HealthSettings {
  /** How long a readiness dependency check may take before it counts as down. */
  @IntSetting(50, 60_000)
  HEALTH_CHECK_TIMEOUT_MS = 1_500;

  /** How often the gRPC health status (grpc.health.v1) re-checks PostgreSQL. */
  @IntSetting(100, 60_000)
  HEALTH_GRPC_INTERVAL_MS = 2_000;
}

export const healthSettings = defineSettings('health', HealthSettings);
