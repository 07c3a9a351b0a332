import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { Clock, RedisConnection, redisSettings, resetSettingsCache } from '@app/core';
import { ProvidersModule } from '@app/providers';
import type { FakeUpstream } from '../fake-upstream';

/** What CoreModule would give the providers lib in the app: the Redis connection and the clock. */
@Global()
@Module({ providers: [RedisConnection, Clock], exports: [RedisConnection, Clock] })
class TestCoreModule {}

const PROVIDERS = ['musicbrainz', 'coverartarchive', 'lrclib', 'deezer', 'itunes'] as const;

/** Fast, permissive settings so each test only tightens what it is about. */
export function testSettings(upstream: FakeUpstream): Record<string, string> {
  const env: Record<string, string> = {
    REDIS_URL: '',
    CHORUS_CONTACT: 'chorus-tests@example.org',
    SPOTIFY_API_BASE_URL: upstream.url('spotify'),
    SPOTIFY_ACCOUNTS_BASE_URL: upstream.url('spotify'),
    SPOTIFY_CLIENT_ID: '',
    SPOTIFY_CLIENT_SECRET: '',
    SPOTIFY_RATE_LIMIT_REQUESTS: '1000',
    SPOTIFY_RATE_LIMIT_WINDOW_SEC: '1',
    SPOTIFY_TIMEOUT_MS: '2000',
    PROVIDER_CONNECT_TIMEOUT_MS: '1000',
    PROVIDER_MAX_RESPONSE_BYTES: '65536',
    PROVIDER_RETRY_ATTEMPTS: '3',
    PROVIDER_RETRY_BASE_DELAY_MS: '20',
    PROVIDER_RETRY_MAX_DELAY_MS: '2000',
    PROVIDER_BREAKER_FAILURES: '100',
    PROVIDER_BREAKER_HALF_OPEN_AFTER_MS: '300',
    PROVIDER_QUEUE_MAX_WAIT_MS: '5000',
    PROVIDER_LIMITER_KEY_PREFIX: `chorus-test:${process.pid}:${Date.now()}:`,
  };
  for (const name of PROVIDERS) {
    const prefix = name.toUpperCase();
    env[`${prefix}_BASE_URL`] = upstream.url(name);
    env[`${prefix}_RATE_LIMIT_REQUESTS`] = '1000';
    env[`${prefix}_RATE_LIMIT_WINDOW_SEC`] = '1';
    env[`${prefix}_TIMEOUT_MS`] = '2000';
  }
  return env;
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
  const deadline = Date.now() + 5_000;
  while (redis.configured && !redis.ready) {
    if (Date.now() > deadline) {
      throw new Error('Redis did not become ready');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
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
