import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { HttpCache } from './http-cache';
import { HttpCacheMetrics } from './http-cache.metrics';
import { RequestKeys } from './request-keys';

/** The HTTP cache in front of the app (installed by chorus-app.ts); global, so a purge can clear it. */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [HttpCache, HttpCacheMetrics, RequestKeys],
  exports: [HttpCache, RequestKeys],
})
export class HttpCacheModule {}
