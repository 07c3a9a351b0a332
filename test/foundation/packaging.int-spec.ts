import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
  profiles?: string[];
}

describe('Packaging (Dockerfile, compose)', () => {
  const dockerfile = read('Dockerfile');
  const lines = dockerfile.split('\n').map((l) => l.trim());

  it('should build in several stages on Node 24 and run production dependencies only', () => {
    const stages = lines.filter((l) => /^FROM\s/i.test(l));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.every((l) => /node:24/.test(l))).toBe(true);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('should say in the README which Node versions package.json admits', () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
    // The versions that require() ES modules unflagged (20.19+, 22.12+): Nest itself is ESM only.
    expect(engines.node).toBe('^20.19.0 || >=22.12.0');
    expect(read('README.md')).toContain(`\`${engines.node}\``);
  });

  it('should run as a non-root user with a health check on the readiness probe and the built entry point', () => {
    const user = lines.filter((l) => /^USER\s/i.test(l)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/root|\b0\b/);
    expect(dockerfile).toMatch(/HEALTHCHECK[\s\S]*\/health\/ready/);
    const cmd = lines.filter((l) => /^CMD\s+\[/i.test(l)).at(-1) ?? '';
    const entry = (JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[]).find((part) => part.endsWith('.js'));
    expect(entry).toBe('dist/apps/api/src/main.js');
  });

  it('should copy every source folder the build reads, and ignore local state', () => {
    for (const folder of ['apps', 'libs', 'migrations', 'scripts']) {
      expect(dockerfile).toMatch(new RegExp(`COPY ${folder} `));
      expect(existsSync(join(ROOT, folder))).toBe(true);
    }
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.git']));
  });

  it('should wire the app to healthy PostgreSQL and Redis in docker-compose.yml', () => {
    const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
    const { chorus, postgres, redis } = compose.services;
    expect(chorus.build).toBeDefined();
    expect(chorus.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
    for (const service of [chorus, postgres, redis]) {
      expect(service.healthcheck?.test).toBeDefined();
    }
    expect(chorus.environment?.DATABASE_URL).toMatch(/^postgres:\/\/.*@postgres:5432\//);
    expect(chorus.environment?.REDIS_URL).toBe('redis://redis:6379');
  });
});
