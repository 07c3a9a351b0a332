import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadAll } from 'js-yaml';
import { join, resolve } from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { HealthModule } from '@app/health';
import {
  AppSettings,
  DatabaseSettings,
  GrpcSettings,
  HttpSettings,
  MetricsSettings,
  parseSettings,
  RedisSettings,
  TracingSettings,
  trustedProxyEntryProblem,
} from '@app/core';
import { HealthSettings } from '@app/health';
import { AuthSettings } from '@app/auth';
import { ProvidersSettings } from '@app/providers';
import { CatalogSettings } from '@app/catalog';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { kustomizationDirs, readManifests, renderKustomization, type Manifest } from './kustomize-renderer';

const K8S = resolve(__dirname, '..', '..', 'deploy', 'k8s');

/** The Kubernetes schema validators (kubernetes-models, offline) for every kind Chorus ships. */
const VALIDATORS: Record<string, (data: Manifest) => { validate(): void }> = {
  'v1/ConfigMap': (data) => new ConfigMap(data),
  'v1/Secret': (data) => new Secret(data),
  'v1/Service': (data) => new Service(data),
  'apps/v1/Deployment': (data) => new Deployment(data),
  'autoscaling/v2/HorizontalPodAutoscaler': (data) => new HorizontalPodAutoscaler(data),
  'policy/v1/PodDisruptionBudget': (data) => new PodDisruptionBudget(data),
  'batch/v1/Job': (data) => new Job(data),
};

function validateManifest(manifest: Manifest): void {
  const make = VALIDATORS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!make) {
    throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  }
  make(manifest).validate();
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return yamlFiles(path);
    }
    return entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml' ? [path] : [];
  });
}

/** The probe paths as the health controller declares them, read from Nest's route metadata. */
function healthPaths(): Record<'live' | 'ready' | 'startup', string> {
  const controllers = (Reflect.getMetadata('controllers', HealthModule) ?? []) as Array<new () => object>;
  const controller = controllers.find((type) => Reflect.getMetadata(PATH_METADATA, type) === 'health');
  if (!controller) {
    throw new Error('HealthModule has no controller at /health');
  }
  const path = (method: string): string => {
    const handler = (controller.prototype as Record<string, unknown>)[method];
    return `/${String(Reflect.getMetadata(PATH_METADATA, controller))}/${String(Reflect.getMetadata(PATH_METADATA, handler as object))}`;
  };
  return { live: path('live'), ready: path('ready'), startup: path('startup') };
}

function byKind(manifests: Manifest[], kind: string): Manifest[] {
  return manifests.filter((manifest) => manifest.kind === kind);
}

function one<T>(manifests: Manifest[], kind: string): T {
  const found = byKind(manifests, kind);
  expect(found).toHaveLength(1);
  return found[0] as unknown as T;
}

function containerOf(deployment: Deployment): IContainer {
  const container = deployment.spec?.template.spec?.containers[0];
  if (!container) {
    throw new Error('deployment has no container');
  }
  return container;
}

/** A probe's target port as a number, resolving a named port through the container's ports. */
function probePort(probe: IProbe | undefined, container: IContainer): number | undefined {
  const port = probe?.httpGet?.port ?? probe?.grpc?.port;
  if (typeof port === 'string') {
    return container.ports?.find((p) => p.name === port)?.containerPort;
  }
  return port;
}

const SETTINGS_CLASSES = [
  AppSettings,
  HttpSettings,
  GrpcSettings,
  DatabaseSettings,
  RedisSettings,
  MetricsSettings,
  TracingSettings,
  HealthSettings,
  AuthSettings,
  ProvidersSettings,
  CatalogSettings,
];

describe('Kubernetes manifests', () => {
  const rendered = kustomizationDirs(K8S).map((dir) => ({ dir, manifests: renderKustomization(dir) }));
  const httpPort = new HttpSettings().HTTP_PORT;
  const grpcPort = new GrpcSettings().GRPC_PORT;

  it('should find the base and the production overlay', () => {
    expect(rendered.map(({ dir }) => dir.slice(K8S.length + 1)).sort()).toEqual(['base', 'overlays/production']);
  });

  it('should validate every manifest file against the Kubernetes schemas', () => {
    const files = yamlFiles(K8S);
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const file of files) {
      for (const manifest of readManifests(file)) {
        // Patches are partial by design; they are validated once applied, below.
        if (!file.endsWith('-patch.yaml')) {
          expect(() => validateManifest(manifest)).not.toThrow();
        }
      }
    }
  });

  it('should validate every rendered kustomization against the Kubernetes schemas', () => {
    for (const { manifests } of rendered) {
      for (const manifest of manifests) {
        expect(() => validateManifest(manifest)).not.toThrow();
      }
    }
  });

  it('should reject a manifest that breaks the schema (the validator is not a no-op)', () => {
    const broken = structuredClone(rendered[0].manifests.find((m) => m.kind === 'Deployment')) as Manifest & {
      spec: { replicas: unknown };
    };
    broken.spec.replicas = 'three';
    expect(() => validateManifest(broken)).toThrow();
  });

  it('should probe the paths and ports the app serves', () => {
    const paths = healthPaths();
    for (const { manifests } of rendered) {
      const container = containerOf(one<Deployment>(manifests, 'Deployment'));
      expect(container.ports).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'http', containerPort: httpPort }),
          expect.objectContaining({ name: 'grpc', containerPort: grpcPort }),
        ]),
      );
      expect(container.startupProbe?.httpGet?.path).toBe(paths.startup);
      expect(container.livenessProbe?.httpGet?.path).toBe(paths.live);
      expect(probePort(container.startupProbe, container)).toBe(httpPort);
      expect(probePort(container.livenessProbe, container)).toBe(httpPort);
      const readiness = container.readinessProbe;
      if (readiness?.grpc) {
        expect(readiness.grpc.port).toBe(grpcPort);
        expect(readiness.httpGet).toBeUndefined();
      } else {
        expect(readiness?.httpGet?.path).toBe(paths.ready);
        expect(probePort(readiness, container)).toBe(httpPort);
      }
    }
    const production = rendered.find(({ dir }) => dir.endsWith('production'));
    const readiness = containerOf(one<Deployment>(production?.manifests ?? [], 'Deployment')).readinessProbe;
    expect(readiness?.grpc?.port).toBe(grpcPort);
  });

  it('should give the pod more grace than preStop + drain + shutdown timeout', () => {
    for (const { manifests } of rendered) {
      const deployment = one<Deployment>(manifests, 'Deployment');
      const config = one<ConfigMap>(manifests, 'ConfigMap').data ?? {};
      const preStopMs = (containerOf(deployment).lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
      const drainMs = Number(config.SHUTDOWN_DRAIN_DELAY_MS ?? new AppSettings().SHUTDOWN_DRAIN_DELAY_MS);
      const timeoutMs = Number(config.SHUTDOWN_TIMEOUT_MS ?? new AppSettings().SHUTDOWN_TIMEOUT_MS);
      const graceMs = (deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) * 1000;
      expect(preStopMs).toBeGreaterThan(0);
      expect(graceMs).toBeGreaterThan(preStopMs + drainMs + timeoutMs);
    }
  });

  it('should leave the replica count to the HPA and run non-root on a read-only root with a writable /tmp', () => {
    for (const { manifests } of rendered) {
      const deployment = one<Deployment>(manifests, 'Deployment');
      const pod = deployment.spec?.template.spec;
      const container = containerOf(deployment);
      // A `replicas` here would reset a scaled-out Deployment on every apply.
      expect(deployment.spec?.replicas).toBeUndefined();
      expect(pod?.securityContext?.runAsNonRoot).toBe(true);
      expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
      expect(container.resources?.requests).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
      expect(pod?.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
      expect(container.envFrom?.map((source) => source.configMapRef?.name ?? source.secretRef?.name)).toEqual([
        'chorus-config',
        'chorus-secrets',
      ]);
    }
  });

  it('should expose http and grpc on the Service, scale with an HPA and keep a PDB', () => {
    for (const { manifests } of rendered) {
      const service = one<Service>(manifests, 'Service');
      expect(service.spec?.ports?.map((p) => [p.name, p.port])).toEqual([
        ['http', httpPort],
        ['grpc', grpcPort],
      ]);
      const hpa = one<HorizontalPodAutoscaler>(manifests, 'HorizontalPodAutoscaler');
      expect(hpa.spec?.scaleTargetRef).toEqual(expect.objectContaining({ kind: 'Deployment', name: 'chorus' }));
      expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(3);
      const pdb = one<PodDisruptionBudget>(manifests, 'PodDisruptionBudget');
      expect(pdb.spec?.selector?.matchLabels).toEqual(
        one<Deployment>(manifests, 'Deployment').spec?.selector.matchLabels,
      );
    }
  });

  it('should only set settings the app knows, and keep secrets out of the ConfigMap', () => {
    const known = new Set(SETTINGS_CLASSES.flatMap((cls) => Object.keys(new cls() as object)));
    for (const { manifests } of rendered) {
      const config = one<ConfigMap>(manifests, 'ConfigMap').data ?? {};
      for (const key of Object.keys(config)) {
        expect({ key, known: known.has(key) }).toEqual({ key, known: true });
      }
      expect(Object.keys(config)).toEqual(
        expect.arrayContaining([
          'HTTP_PORT',
          'GRPC_PORT',
          'SHUTDOWN_TIMEOUT_MS',
          'SHUTDOWN_DRAIN_DELAY_MS',
          'DB_SKIP_MIGRATIONS',
          'LOG_LEVEL',
        ]),
      );
      expect(Number(config.HTTP_PORT)).toBe(httpPort);
      expect(Number(config.GRPC_PORT)).toBe(grpcPort);
      expect(Object.keys(config)).not.toEqual(expect.arrayContaining(['DATABASE_URL']));
    }
  });

  it('should trust proxies by address, an example of the cluster ranges, never everyone', () => {
    for (const { manifests } of rendered) {
      const config = one<ConfigMap>(manifests, 'ConfigMap').data ?? {};
      expect(config.HTTP_TRUST_PROXY).toBeUndefined();
      const entries = (config.HTTP_TRUSTED_PROXIES ?? '').split(',').map((entry) => entry.trim());
      expect(entries.length).toBeGreaterThan(0);
      for (const entry of entries) {
        expect({ entry, problem: trustedProxyEntryProblem(entry) }).toEqual({ entry, problem: undefined });
      }
      expect(parseSettings(HttpSettings, config).HTTP_TRUSTED_PROXIES).toBe(config.HTTP_TRUSTED_PROXIES);
    }
  });

  it('should never apply a Secret: the example lives outside every kustomization', () => {
    for (const { manifests } of rendered) {
      expect(byKind(manifests, 'Secret')).toEqual([]);
    }
    const [example] = readManifests(join(K8S, 'examples', 'secret.example.yaml')) as unknown as Secret[];
    expect(example.metadata?.name).toBe('chorus-secrets');
    const keys = example.stringData ?? {};
    expect(Object.keys(keys)).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'AUTH_JWT_SECRET']));
    expect(keys.AUTH_JWT_SECRET).toBe('CHANGE_ME');
    expect(kustomizationDirs(K8S).some((dir) => dir.includes('examples'))).toBe(false);
  });

  it('should scrape each pod once: annotations on the pod template only, no Service annotations or monitors', () => {
    for (const { manifests } of rendered) {
      const scraped = manifests.flatMap((manifest) => {
        const pod = (manifest as { spec?: { template?: { metadata?: { annotations?: Record<string, string> } } } }).spec
          ?.template?.metadata?.annotations;
        const own = (manifest.metadata as { annotations?: Record<string, string> }).annotations;
        return [pod, own]
          .filter((annotations) => annotations?.['prometheus.io/scrape'] === 'true')
          .map(() => `${manifest.kind}/${manifest.metadata.name}`);
      });
      expect(scraped).toEqual(['Deployment/chorus']);
      expect(manifests.filter((m) => /^(ServiceMonitor|PodMonitor)$/.test(m.kind))).toEqual([]);
    }
  });

  it('should migrate with a Job in production, and only there skip boot-time migrations', () => {
    for (const { dir, manifests } of rendered) {
      const config = one<ConfigMap>(manifests, 'ConfigMap').data ?? {};
      const jobs = byKind(manifests, 'Job') as unknown as Job[];
      if (dir.endsWith('production')) {
        expect(config.DB_SKIP_MIGRATIONS).toBe('true');
        expect(jobs).toHaveLength(1);
        const job = jobs[0].spec?.template.spec?.containers[0];
        expect(job?.command).toEqual(['node', 'dist/scripts/migrate.js', 'run']);
        const image = containerOf(one<Deployment>(manifests, 'Deployment')).image ?? '';
        expect(job?.image).toBe(image);
        // Named after the image tag: a new release is a new Job, which `kubectl apply` can create.
        expect(jobs[0].metadata?.name).toBe(`chorus-migrate-${image.split(':')[1]}`);
        expect(jobs[0].spec?.ttlSecondsAfterFinished).toBeGreaterThan(0);
        expect(manifests.every((manifest) => manifest.metadata.namespace === 'chorus')).toBe(true);
      } else {
        expect(config.DB_SKIP_MIGRATIONS).toBe('false');
        expect(jobs).toHaveLength(0);
      }
    }
  });

  it('should name the migration Job after each new image tag', () => {
    const copy = mkdtempSync(join(tmpdir(), 'chorus-k8s-'));
    try {
      cpSync(K8S, copy, { recursive: true });
      const kustomization = join(copy, 'overlays', 'production', 'kustomization.yaml');
      writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace(/newTag: .*/, "newTag: '0.2.0'"));
      const job = one<Job>(renderKustomization(join(copy, 'overlays', 'production')), 'Job');
      expect(job.metadata?.name).toBe('chorus-migrate-0.2.0');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
  (kubectl ? it : it.skip)('should render as `kubectl kustomize` does (when kubectl is installed)', () => {
    const key = (m: Manifest): string => `${m.kind}/${m.metadata.name}`;
    const sorted = (manifests: Manifest[]): Manifest[] => [...manifests].sort((a, b) => key(a).localeCompare(key(b)));
    for (const { dir, manifests } of rendered) {
      const output = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      expect(output.status).toBe(0);
      expect(sorted(JSON.parse(JSON.stringify(loadAll(output.stdout))) as Manifest[])).toEqual(sorted(manifests));
    }
  });

  it('should refuse a patch whose target does not exist', () => {
    expect(() => renderKustomization(join(__dirname, 'fixtures', 'bad-kustomization'))).toThrow(/no resource defines/);
  });
});
