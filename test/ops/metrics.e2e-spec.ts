import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Client } from '@grpc/grpc-js';
import { AUTH_METRIC } from '@app/auth';
import { CATALOG_METRIC } from '@app/catalog';
import { METRIC as CORE_METRIC } from '@app/core';
import { PROVIDER_METRIC } from '@app/providers';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { freePort } from '../support/ports';
import { bootTestApp, type TestApp } from '../support/test-app';
import { exposedSeriesNames, promqlMetricNames, promtool } from './prometheus-tools';

/** Every metric name Chorus exposes: core's and each lib's. */
const METRIC = { ...CORE_METRIC, ...PROVIDER_METRIC, ...CATALOG_METRIC, ...AUTH_METRIC };

const DEPLOY = resolve(__dirname, '..', '..', 'deploy');
/** Series Prometheus makes itself, not the app. */
const SYNTHETIC = new Set(['up']);

interface GrafanaPanel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

async function registerUser(app: TestApp): Promise<string> {
  const response = await fetch(`${app.httpUrl}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `ops-${randomUUID()}@example.com`, password: 'correct horse battery staple' }),
  });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { tokens: { accessToken: string } };
  return body.tokens.accessToken;
}

function alertExpressions(): Array<{ alert: string; expr: string }> {
  // promtool has validated the file's shape; here only the expressions are needed.
  const text = readFileSync(resolve(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8');
  const rules: Array<{ alert: string; expr: string }> = [];
  const blocks = text.split(/^\s*- alert: /m).slice(1);
  for (const block of blocks) {
    const alert = block.split('\n')[0].trim();
    const exprMatch = /expr: (\|\n((?:\s{10,}.*\n)+)|(.*))/.exec(block);
    rules.push({ alert, expr: (exprMatch?.[2] ?? exprMatch?.[3] ?? '').trim() });
  }
  return rules;
}

describe('Prometheus metrics', () => {
  let app: TestApp;
  let exposition: string;
  let contentType: string | null;
  let exposed: Set<string>;
  const sessionId = randomUUID();

  beforeAll(async () => {
    app = await bootTestApp();
    const token = await registerUser(app);
    const auth = { authorization: `Bearer ${token}` };
    await fetch(`${app.httpUrl}/health/ready`);
    await fetch(`${app.httpUrl}/v1/me`);
    await fetch(`${app.httpUrl}/v1/me`, { headers: auth });
    await fetch(`${app.httpUrl}/v1/me/sessions/${sessionId}`, { method: 'DELETE', headers: auth });
    await fetch(`${app.httpUrl}/no/such/route/${sessionId}`);
    const chorus: Client = grpcClient(app.grpcAddress, 'chorus.v1.AuthService');
    const health: Client = grpcClient(app.grpcAddress, 'grpc.health.v1.Health');
    try {
      expect((await grpcCall(chorus, 'GetMe', {})).error?.code).toBe(16);
      expect((await grpcCall(chorus, 'GetMe', {}, auth)).error).toBeUndefined();
      expect((await grpcCall(health, 'Check', { service: '' })).error).toBeUndefined();
    } finally {
      chorus.close();
      health.close();
    }
    const response = await fetch(`${app.httpUrl}/metrics`);
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    exposition = await response.text();
    exposed = exposedSeriesNames(exposition);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should serve the Prometheus text format', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('should pass promtool check metrics', () => {
    const result = promtool(['check', 'metrics'], exposition);
    expect(result).toEqual({ status: 0, output: '' });
  });

  it('should time HTTP requests by method, route template and status', () => {
    const count = (labels: string): string | undefined =>
      new RegExp(`^${METRIC.httpDuration}_count\\{${labels}\\} (\\d+)`, 'm').exec(exposition)?.[1];
    expect(count('method="GET",route="/v1/me",status_code="401"')).toBe('1');
    expect(count('method="GET",route="/v1/me",status_code="200"')).toBe('1');
    expect(count('method="POST",route="/v1/auth/register",status_code="201"')).toBe('1');
    expect(count('method="DELETE",route="/v1/me/sessions/:id",status_code="\\d+"')).toBe('1');
    expect(count('method="GET",route="unmatched",status_code="404"')).toBe('1');
  });

  it('should never put a raw id in a label', () => {
    expect(exposition).not.toContain(sessionId);
  });

  it('should count gRPC calls with the go-grpc-prometheus names and labels', () => {
    const getMe = 'grpc_service="chorus.v1.AuthService",grpc_method="GetMe",grpc_type="unary"';
    expect(exposition).toContain(`${METRIC.grpcStarted}{${getMe}} 2`);
    expect(exposition).toContain(`${METRIC.grpcHandled}{${getMe},grpc_code="Unauthenticated"} 1`);
    expect(exposition).toContain(`${METRIC.grpcHandled}{${getMe},grpc_code="OK"} 1`);
    expect(exposition).toContain(`${METRIC.grpcHandlingSeconds}_count{${getMe}} 2`);
    expect(exposition).toContain(
      `${METRIC.grpcHandled}{grpc_service="grpc.health.v1.Health",grpc_method="Check",grpc_type="unary",grpc_code="OK"} 1`,
    );
  });

  it('should report the PostgreSQL pool on scrape', () => {
    const idle = Number(new RegExp(`^${METRIC.dbPoolIdle} (\\d+)`, 'm').exec(exposition)?.[1]);
    expect(idle).toBeGreaterThan(0);
    expect(exposition).toMatch(new RegExp(`^${METRIC.dbPoolInUse} \\d+`, 'm'));
    expect(exposition).toMatch(new RegExp(`^${METRIC.dbPoolWaiting} 0`, 'm'));
  });

  it('should declare every Chorus metric and the default process metrics', () => {
    for (const name of Object.values(METRIC)) {
      expect({ name, declared: exposition.includes(`# TYPE ${name} `) }).toEqual({ name, declared: true });
    }
    expect(exposed.has('process_cpu_seconds_total')).toBe(true);
    expect(exposed.has('nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });

  it('should build the Grafana dashboard only from metrics the app exposes', () => {
    const dashboard = JSON.parse(readFileSync(resolve(DEPLOY, 'grafana', 'chorus.json'), 'utf8')) as {
      uid: string;
      panels: GrafanaPanel[];
    };
    expect(dashboard.uid).toBe('chorus');
    const graphs = dashboard.panels.filter((panel) => panel.type !== 'row');
    const used = new Set<string>();
    for (const panel of graphs) {
      expect({ panel: panel.title, targets: (panel.targets ?? []).length > 0 }).toEqual({
        panel: panel.title,
        targets: true,
      });
      for (const { expr } of panel.targets ?? []) {
        for (const name of promqlMetricNames(expr)) {
          used.add(name);
          expect({ panel: panel.title, name, exposed: exposed.has(name) || SYNTHETIC.has(name) }).toEqual({
            panel: panel.title,
            name,
            exposed: true,
          });
        }
      }
    }
    // The list: per-transport traffic, providers, limiter, breaker, cache, catalog, auth failures.
    for (const family of [
      `${METRIC.httpDuration}_bucket`,
      METRIC.grpcHandled,
      `${METRIC.grpcHandlingSeconds}_bucket`,
      METRIC.providerRequests,
      `${METRIC.providerDuration}_bucket`,
      `${METRIC.limiterWait}_bucket`,
      METRIC.breakerState,
      METRIC.cacheLookups,
      METRIC.catalogAnswers,
      METRIC.authLogins,
    ]) {
      expect({ family, used: used.has(family) }).toEqual({ family, used: true });
    }
  });

  it('should pass promtool check rules and the rule unit tests', () => {
    const rules = resolve(DEPLOY, 'prometheus', 'alerts.yml');
    expect(promtool(['check', 'rules', rules]).status).toBe(0);
    const tests = promtool(['test', 'rules', resolve(DEPLOY, 'prometheus', 'alerts.test.yml')]);
    expect(tests.output).toContain('SUCCESS');
    expect(tests.status).toBe(0);
  });

  it('should alert only on metrics the app exposes, covering the issue list', () => {
    const alerts = alertExpressions();
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'ChorusHigh5xxRate',
        'ChorusGrpcInternalErrors',
        'ChorusHighLatencyP95',
        'ChorusProviderBreakerOpen',
        'ChorusNotReady',
        'ChorusRefreshTokenReuseSpike',
      ]),
    );
    for (const { alert, expr } of alerts) {
      expect(expr.length).toBeGreaterThan(0);
      for (const name of promqlMetricNames(expr)) {
        expect({ alert, name, exposed: exposed.has(name) || SYNTHETIC.has(name) }).toEqual({
          alert,
          name,
          exposed: true,
        });
      }
    }
  });
});

describe('Prometheus metrics on METRICS_PORT', () => {
  it('should serve /metrics on its own port and not on the HTTP port', async () => {
    const metricsPort = await freePort();
    const app = await bootTestApp({ METRICS_PORT: String(metricsPort) });
    try {
      expect((await fetch(`${app.httpUrl}/metrics`)).status).toBe(404);
      const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`# TYPE ${METRIC.httpDuration} histogram`);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/other`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
