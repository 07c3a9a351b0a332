import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';

interface ComposeService {
  profiles?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  entrypoint?: string[];
}

const compose = load(readFileSync(resolve(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, ComposeService>;
};

describe('docker compose observability profile', () => {
  const observability = Object.entries(compose.services).filter(([, service]) =>
    service.profiles?.includes('observability'),
  );

  it('should publish Prometheus and Grafana on the loopback interface only', () => {
    expect(observability.map(([name]) => name).sort()).toEqual(['grafana', 'prometheus']);
    for (const [name, service] of observability) {
      for (const port of service.ports ?? []) {
        expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:\d+:\d+$/) });
      }
    }
  });

  it('should run Grafana without anonymous access and without a default admin password', () => {
    const grafana = compose.services.grafana;
    const environment = grafana.environment ?? {};
    expect(environment.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    expect(environment.GF_AUTH_ANONYMOUS_ORG_ROLE).toBeUndefined();
    expect(JSON.stringify(grafana)).not.toMatch(/:-admin\}|ADMIN_PASSWORD: admin/);
    // Set from GRAFANA_ADMIN_PASSWORD, or a random one when that is empty.
    expect(environment.GRAFANA_ADMIN_PASSWORD).toBe('${GRAFANA_ADMIN_PASSWORD:-}');
    const script = (grafana.entrypoint ?? []).join('\n');
    expect(script).toContain('/dev/urandom');
    expect(script).toContain('export GF_SECURITY_ADMIN_PASSWORD="$$GRAFANA_ADMIN_PASSWORD"');
  });
});

describe('docker compose app', () => {
  it('should trust no proxy unless told which: the app is published directly', () => {
    const environment = compose.services.chorus?.environment ?? {};
    expect(environment.HTTP_TRUST_PROXY).toBeUndefined();
    expect(environment.HTTP_TRUSTED_PROXIES).toBe('${HTTP_TRUSTED_PROXIES:-}');
  });
});
