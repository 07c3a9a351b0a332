import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createClient, type RedisClientType } from '@redis/client';
import { redisSettings, type RedisSettings } from '../config/core.settings';
import { BackgroundWork } from '../lifecycle/background-work';

export class RedisTimeoutError extends Error {
  override readonly name = 'RedisTimeoutError';
}

/**
 * The one Redis client of the process. Commands never queue while Redis is away (offline queue off), the
 * client reconnects by itself with capped backoff, and every call through `run` is bounded by
 * REDIS_TIMEOUT_MS: a slow or dead Redis turns into "no answer", never into a stuck request.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  readonly client?: RedisClientType;
  private lastError?: string;

  constructor(
    @Inject(redisSettings.KEY) private readonly settings: RedisSettings,
    /** Absent outside the app (a lib's test harness), where nothing runs in the background. */
    @Optional() private readonly background?: BackgroundWork,
  ) {
    if (settings.REDIS_URL) {
      this.client = createClient({
        url: settings.REDIS_URL,
        disableOfflineQueue: true,
        socket: {
          connectTimeout: 2_000,
          reconnectStrategy: (attempts: number) => Math.min(100 * 2 ** Math.min(attempts, 5), 2_000),
        },
      });
      this.client.on('error', (error: Error) => this.onError(error));
      this.client.on('ready', () => this.onReady());
    }
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  get ready(): boolean {
    return this.client?.isReady ?? false;
  }

  onModuleInit(): void {
    // Not awaited: Chorus serves without Redis and picks it up whenever it answers.
    this.client?.connect().catch((error: unknown) => this.onError(error as Error));
  }

  async onApplicationShutdown(): Promise<void> {
    // Background refreshes still take single-flight locks and write the cache.
    await this.background?.settled();
    if (this.client?.isOpen) {
      await this.client.close().catch(() => this.client?.destroy());
    }
  }

  /** Runs one Redis operation within the time budget; `undefined` when Redis is absent, down or too slow. */
  async run<T>(operation: (client: RedisClientType) => Promise<T>): Promise<T | undefined> {
    try {
      return await this.runOrThrow(operation);
    } catch {
      return undefined;
    }
  }

  /** Like `run`, but tells the caller why Redis did not answer (for fallbacks that must know). */
  async runOrThrow<T>(operation: (client: RedisClientType) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client?.isReady) {
      throw new RedisTimeoutError('redis unavailable');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new RedisTimeoutError('redis timeout')), this.settings.REDIS_TIMEOUT_MS);
    });
    try {
      return await Promise.race([operation(client), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async ping(): Promise<boolean> {
    return (await this.run((client) => client.ping())) === 'PONG';
  }

  private onError(error: Error): void {
    // One line per change of state, not one per reconnect attempt.
    if (this.lastError !== error.message) {
      this.lastError = error.message;
      this.logger.warn(`redis unavailable: ${error.message}`);
    }
  }

  private onReady(): void {
    if (this.lastError !== undefined) {
      this.logger.log('redis available again');
    }
    this.lastError = undefined;
  }
}
