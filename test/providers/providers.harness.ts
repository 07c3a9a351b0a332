import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { Clock, RedisConnection, redisSettings, resetSettingsCache } from '@app/core';
import { ProvidersModule } from '@app/providers';
import type { FakeUpstream } from '../fake-upstream';
import { eventually } from '../support/eventually';

/** What CoreModule would give the providers lib in the app: the Redis connection and the clock. */
@Global()
@Module({ providers: [RedisConnection, Clock], exports: [RedisConnection, Clock] })
class TestCoreModule {}

const PROVIDERS = [
  'musicbrainz',
  'coverartarchive',
  'lrclib',
  'deezer',
  'itunes',
  'spotify',
  'genius',
  'wikidata',
] as const;

function everyProvider(value: (provider: (typeof PROVIDERS)[number]) => string): string {
  return PROVIDERS.map((provider) => `${provider}=${value(provider)}`).join(',');
}

/**
 * Fast, permissive settings so each test only tightens what it is about. The provider maps name every
 * provider; a test overrides one by appending (`${env.PROVIDER_RATE_LIMITS},musicbrainz=1/1s`: later entries win).
 */
export function testSettings(upstream: FakeUpstream): Record<string, string> {
  return {
    REDIS_URL: '',
    // Rate-limit counters live under it: each module of a run gets its own, so none shares another's window.
    REDIS_KEY_PREFIX: `chorus-test:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}:`,
    CHORUS_CONTACT: 'chorus-tests@example.org',
    PROVIDER_BASE_URLS: `${everyProvider((p) => upstream.url(p))},spotify-accounts=${upstream.url('spotify')},wikimedia-commons=${upstream.url('commons')}`,
    PROVIDER_RATE_LIMITS: everyProvider(() => '1000/1s'),
    PROVIDER_TIMEOUTS_MS: everyProvider(() => '2000'),
    SPOTIFY_CLIENT_ID: '',
    SPOTIFY_CLIENT_SECRET: '',
    PROVIDER_CONNECT_TIMEOUT_MS: '1000',
    PROVIDER_MAX_RESPONSE_BYTES: '65536',
    PROVIDER_RETRY_ATTEMPTS: '3',
    PROVIDER_RETRY_BASE_DELAY_MS: '20',
    PROVIDER_RETRY_MAX_DELAY_MS: '2000',
    PROVIDER_BREAKER_FAILURES: '100',
    PROVIDER_BREAKER_HALF_OPEN_AFTER_MS: '300',
    PROVIDER_QUEUE_MAX_WAIT_MS: '5000',
    // Every test caller is 127.0.0.1: the per-caller budget is tested in test/security/provider-quotas.
    PROVIDER_CALLER_BUDGET: '100000/60s',
  };
}

/**
 * The providers module alone (no app boot) over the given settings: process.env is set before the module
 * is created (settings are read from it through core's memoized `rawSettings()`), then restored.
 */
export async function createProvidersModule(env: Record<string, string>, waitRedis = true): Promise<TestingModule> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  resetSettingsCache();
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [redisSettings] }),
        TestCoreModule,
        ProvidersModule,
      ],
    }).compile();
    await moduleRef.init();
    if (waitRedis) {
      await waitForRedis(moduleRef.get(RedisConnection));
    }
    return moduleRef;
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
    resetSettingsCache();
  }
}

async function waitForRedis(redis: RedisConnection): Promise<void> {
  await eventually(() => !redis.configured || redis.ready, 'Redis ready');
}

/** Runs a call and returns the error it throws (fails the test if it resolves). */
export async function failureOf(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}
