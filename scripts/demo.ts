/**
 * `npm run demo`: starts the fake upstream (every provider, answered from test/fixtures) on port 8099 and,
 * when the app is built, Chorus pointed at it, so everything can be tried without internet access.
 * Flags: `--port <n>` for the fake upstream, `--upstream-only` to print the settings and not start Chorus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FAKE_GENIUS_TOKEN, FakeUpstream } from '../test/fake-upstream';

/** PROVIDER_BASE_URLS key → the fake upstream's provider path. */
const PROVIDER_PATHS: Record<string, string> = {
  musicbrainz: 'musicbrainz',
  coverartarchive: 'coverartarchive',
  lrclib: 'lrclib',
  deezer: 'deezer',
  itunes: 'itunes',
  spotify: 'spotify',
  'spotify-accounts': 'spotify',
  genius: 'genius',
  wikidata: 'wikidata',
  'wikimedia-commons': 'commons',
};

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? '') : undefined;
}

/** test/fixtures from the source tree, whether this runs from scripts/ or from dist/scripts/. */
function fixturesDir(): string {
  const candidates = [resolve(__dirname, '..', 'test', 'fixtures'), resolve(__dirname, '..', '..', 'test', 'fixtures')];
  return candidates.find((dir) => existsSync(dir)) ?? candidates[0];
}

function settings(upstream: FakeUpstream): Record<string, string> {
  const env: Record<string, string> = {
    SPOTIFY_CLIENT_ID: 'demo-client-id',
    SPOTIFY_CLIENT_SECRET: 'demo-client-secret',
    // Genius is enabled only with a token; the fake upstream takes this one, as the tests give it.
    GENIUS_ACCESS_TOKEN: FAKE_GENIUS_TOKEN,
    CHORUS_CONTACT: 'chorus-demo@localhost',
  };
  env.PROVIDER_BASE_URLS = Object.entries(PROVIDER_PATHS)
    .map(([key, provider]) => `${key}=${upstream.url(provider)}`)
    .join(',');
  return env;
}

function startChorus(env: Record<string, string>): ChildProcess | undefined {
  const main = resolve(__dirname, '..', 'apps', 'api', 'src', 'main.js');
  if (flag('--upstream-only') !== undefined || !existsSync(main)) {
    return undefined;
  }
  console.log(`\nstarting Chorus (${main}) against the fake upstream…`);
  return spawn(process.execPath, [main], { stdio: 'inherit', env: { ...process.env, ...env } });
}

async function main(): Promise<void> {
  const upstream = new FakeUpstream({ fixturesDir: fixturesDir() });
  const base = await upstream.start(Number(flag('--port') ?? 8099));
  const env = settings(upstream);
  console.log(`fake upstream for every provider at ${base} (fixtures: ${fixturesDir()})`);
  console.log('point Chorus at it with:\n');
  for (const [name, value] of Object.entries(env)) {
    console.log(`  export ${name}=${value}`);
  }
  console.log(
    '\ntry: GET /v1/providers; ids in the fixtures: musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56 (Daft Punk),',
  );
  console.log(
    '     deezer:3135556 / ISRC GBDUW0000059 (Harder, Better, Faster, Stronger), UPC 724384960650 (Discovery)',
  );
  const chorus = startChorus(env);
  let stopping = false;
  const stop = (): void => {
    stopping = true;
    // Chorus drains first (it may still call the fake upstream), then the upstream goes.
    const exited = chorus && chorus.exitCode === null ? once(chorus, 'exit') : Promise.resolve();
    chorus?.kill('SIGTERM');
    void exited.then(() => upstream.stop()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  chorus?.once('exit', (code) => {
    if (!stopping) {
      console.log(`Chorus exited (${code ?? 'signal'}); the fake upstream keeps running, Ctrl-C to stop`);
    }
  });
}

void main();
