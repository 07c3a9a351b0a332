import { Global, Module } from '@nestjs/common';
import { CacheModule as NestCacheModule, type CacheModuleOptions } from '@nestjs/cache-manager';
import KeyvRedis from '@keyv/redis';
import { CacheableMemory } from 'cacheable';
import { Keyv, type Deserialize, type DeserializedData, type Serialize } from 'keyv';
import { redisSettings, type RedisSettings } from '../config/core.settings';
import { CacheService } from './cache.service';
import { RedisConnection } from './redis.connection';

@Global()
@Module({
  providers: [RedisConnection],
  exports: [RedisConnection],
})
class RedisModule {}

/**
 * Plain JSON for Redis values. Cached values are JSON data (answers, charts), and keyv's default serializer,
 * which also encodes Buffers, cost ~7 µs per write and ~11 µs per read on a warm path (64 µs before V8 optimizes
 * it) against ~2–3 µs for JSON. An unreadable value is a miss.
 */
const serializeJson: Serialize = (data) => JSON.stringify(data);
const deserializeJson: Deserialize = <Value>(data: string): DeserializedData<Value> | undefined => {
  try {
    return JSON.parse(data) as DeserializedData<Value>;
  } catch {
    return undefined;
  }
};

function redisStore(redis: RedisConnection): Keyv | undefined {
  if (!redis.client) {
    return undefined;
  }
  // Over the shared client (which reconnects by itself); never throw, a Redis failure is a cache miss.
  const store = new KeyvRedis(redis.client, { throwOnConnectError: false, throwOnErrors: false, namespace: undefined });
  store.on('error', () => undefined);
  const keyv = new Keyv({
    store,
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: false,
    serialize: serializeJson,
    deserialize: deserializeJson,
  });
  keyv.on('error', () => undefined);
  return keyv;
}

/**
 * L1: process memory, read synchronously (a warm read takes no promise, no keyv round for it). No structuredClone
 * per hit and one Map instead of 10 hashed shards: both were ~9% of a warm lookup's CPU (bench/README.md). Values
 * are stored by reference, so cached values are read-only.
 */
function memoryStore(settings: RedisSettings): CacheableMemory {
  return new CacheableMemory({
    lruSize: settings.CACHE_L1_MAX_ITEMS,
    ttl: settings.CACHE_L1_TTL_MS,
    useClone: false,
    storeHashSize: 1,
  });
}

@Global()
@Module({
  imports: [
    RedisModule,
    NestCacheModule.registerAsync({
      imports: [RedisModule],
      inject: [RedisConnection],
      // L2 only: with no Redis, cache-manager gets no store of ours and CacheService asks it nothing.
      useFactory: (redis: RedisConnection) => {
        const l2 = redisStore(redis);
        // keyv ships CJS and ESM typings; @nestjs/cache-manager sees the ESM ones, this file the CJS ones.
        return { stores: (l2 ? [l2] : []) as unknown as CacheModuleOptions['stores'] };
      },
    }),
  ],
  providers: [CacheService, { provide: CacheableMemory, inject: [redisSettings.KEY], useFactory: memoryStore }],
  exports: [CacheService, RedisModule],
})
export class CacheModule {}
