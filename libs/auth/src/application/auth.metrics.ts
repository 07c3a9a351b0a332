import { Injectable, Optional } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { MetricsService, zeroed } from '@app/core';
import type { LoginOutcome } from '../domain/login-outcome';

/** The auth lib's metric names (deploy/ alert rules and the Grafana dashboard use them). */
export const AUTH_METRIC = {
  authLogins: 'chorus_auth_logins_total',
  authRefreshReuse: 'chorus_auth_refresh_reuse_detected_total',
} as const;

/** The exported label of each outcome: `failure` for bad credentials, as the alert rules have always read it. */
const LOGIN_LABEL: Readonly<Record<LoginOutcome, string>> = {
  success: 'success',
  bad_credentials: 'failure',
  throttled: 'throttled',
};

/** Login and refresh-token metrics, on core's registry (on none when the lib runs without core's metrics). */
@Injectable()
export class AuthMetrics {
  private readonly logins: Record<LoginOutcome, Counter.Internal>;
  private readonly refreshReuse: Counter<string>;

  constructor(@Optional() core?: MetricsService) {
    const registers: Registry[] = core ? [core.registry] : [];
    const logins = new Counter({
      name: AUTH_METRIC.authLogins,
      help: 'Login attempts by outcome: success, failure (bad credentials), throttled.',
      labelNames: ['outcome'],
      registers,
    });
    this.logins = {
      success: zeroed(logins.labels(LOGIN_LABEL.success)),
      bad_credentials: zeroed(logins.labels(LOGIN_LABEL.bad_credentials)),
      throttled: zeroed(logins.labels(LOGIN_LABEL.throttled)),
    };
    this.refreshReuse = new Counter({
      name: AUTH_METRIC.authRefreshReuse,
      help: 'Refresh tokens presented again after rotation (possible theft); the session is revoked.',
      registers,
    });
  }

  recordLogin(outcome: LoginOutcome): void {
    this.logins[outcome].inc();
  }

  recordRefreshReuse(): void {
    this.refreshReuse.inc();
  }
}
