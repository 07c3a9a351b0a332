import { defineSettings } from '../config/settings';
import { BooleanSetting, IntSetting } from '../config/setting-decorators';

export class MetricsSettings {
  /** Prometheus metrics at GET /metrics; off removes the route and every observation. */
  @BooleanSetting()
  METRICS_ENABLED = true;

  /**
   * 0: /metrics is served on HTTP_PORT. Any other port: a separate listener (on HTTP_HOST) serves it, so the
   * public port can hide it behind an ingress while Prometheus scrapes the pod directly.
   */
  @IntSetting(0, 65_535)
  METRICS_PORT = 0;
}

export const metricsSettings = defineSettings('metrics', MetricsSettings);
