import {
  IsString,
  Matches,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { trustedProxyEntryProblem } from '../transport/client-address';
import { defineSettings } from './settings';
import { BooleanSetting, IntSetting, OneOfSetting } from './setting-decorators';

export class AppSettings {
  @OneOfSetting(['development', 'test', 'production'])
  NODE_ENV = 'development';

  @OneOfSetting(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Upper bound for a graceful stop after SIGTERM; keep it below the pod's terminationGracePeriodSeconds. */
  @IntSetting(0, 600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** Time between readiness turning false and closing listeners, so load balancers stop routing first. */
  @IntSetting(0, 600_000)
  SHUTDOWN_DRAIN_DELAY_MS = 0;
}

function trustedProxiesProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return 'is not text';
  }
  if (value.trim() === '') {
    return undefined;
  }
  return value
    .split(',')
    .map((entry) => trustedProxyEntryProblem(entry.trim()))
    .find((problem) => problem !== undefined);
}

@ValidatorConstraint({ name: 'trustedProxies' })
export class TrustedProxiesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return trustedProxiesProblem(value) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return `must be empty or comma-separated addresses/CIDR ranges of your proxies (e.g. 10.0.0.0/8): ${trustedProxiesProblem(args.value) ?? ''}`;
  }
}

export class HttpSettings {
  @IntSetting(0, 65_535)
  HTTP_PORT = 8080;

  @IsString()
  HTTP_HOST = '0.0.0.0';

  @IntSetting(1024, 100 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 1_048_576;

  /**
   * Addresses or CIDR ranges of the reverse proxies / ingress in front of Chorus, comma-separated
   * (`10.0.0.0/8,fd00::/8`). The client is the right-most X-Forwarded-For hop that is not one of them, on REST and
   * gRPC alike. Empty (the default): no proxy is trusted and the TCP peer is the client.
   */
  @Validate(TrustedProxiesConstraint)
  HTTP_TRUSTED_PROXIES = '';

  /** Swagger UI at /docs and the document at /docs-json. */
  @BooleanSetting()
  HTTP_DOCS_ENABLED = true;

  /**
   * Browser origins allowed to call the REST API, comma-separated (`https://app.example.com,https://x.dev`), or `*`.
   * Empty (the default): no CORS headers at all, so browsers refuse cross-origin calls.
   */
  @Matches(/^(\*|https?:\/\/[^\s,/]+(\s*,\s*https?:\/\/[^\s,/]+)*)?$/, {
    message: 'must be empty, * or comma-separated origins like https://app.example.com',
  })
  HTTP_CORS_ORIGINS = '';

  /**
   * Byte budget of the HTTP cache in front of the app (public answers to requests without credentials, least
   * recently used out first). 0 turns it off.
   */
  @IntSetting(0, 1024 * 1024 * 1024)
  HTTP_CACHE_MAX_BYTES = 32 * 1024 * 1024;
}

export class GrpcSettings {
  @IntSetting(0, 65_535)
  GRPC_PORT = 50051;

  @IsString()
  GRPC_HOST = '0.0.0.0';

  @IntSetting(1024, 64 * 1024 * 1024)
  GRPC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  @BooleanSetting()
  GRPC_REFLECTION_ENABLED = true;
}

export class DatabaseSettings {
  /** Empty: an embedded PostgreSQL is started in DATA_DIR/pg. */
  @Matches(/^(postgres(ql)?:\/\/.+)?$/, { message: 'must be a postgres:// URL or empty' })
  DATABASE_URL = '';

  /** Connections of the pool every query uses; TypeORM keeps up to 3 more for migrations and the readiness ping. */
  @IntSetting(1, 200)
  DB_POOL_SIZE = 10;

  @IntSetting(100, 120_000)
  DB_CONNECT_TIMEOUT_MS = 5_000;

  @IntSetting(0, 600_000)
  DB_STATEMENT_TIMEOUT_MS = 15_000;

  /** Retry-After sent with UNAVAILABLE while PostgreSQL cannot be reached. */
  @IntSetting(1, 3_600)
  DB_RETRY_AFTER_SECONDS = 5;

  /** For operators who run migrations as a separate job (`npm run migration:run`). */
  @BooleanSetting()
  DB_SKIP_MIGRATIONS = false;

  @IsString()
  DATA_DIR = './.data';

  /** Taken: Chorus picks a free port and logs it, unless this is set explicitly (then the start fails). */
  @IntSetting(1, 65_535)
  DB_EMBEDDED_PORT = 54329;

  /**
   * Only as root: where the embedded PostgreSQL's binaries and cluster go when the `postgres` account cannot
   * reach DATA_DIR or node_modules (a checkout under a private home folder).
   */
  @IsString()
  DB_EMBEDDED_SYSTEM_DIR = '/var/lib/chorus';
}

export class RedisSettings {
  /** Empty: in-process cache only. */
  @Matches(/^(rediss?:\/\/.+)?$/, { message: 'must be a redis:// or rediss:// URL or empty' })
  REDIS_URL = '';

  /** A cache call that takes longer counts as a miss, so a sick Redis never stalls a request. */
  @IntSetting(1, 10_000)
  REDIS_TIMEOUT_MS = 50;

  @IntSetting(0, 10_000_000)
  CACHE_L1_MAX_ITEMS = 10_000;

  @IntSetting(0, 86_400_000)
  CACHE_L1_TTL_MS = 30_000;

  @IsString()
  REDIS_KEY_PREFIX = 'chorus:';
}

export const appSettings = defineSettings('app', AppSettings);
/** A boolean trusted every peer's X-Forwarded-For: any client could pick its own address. */
const REMOVED_HTTP_SETTINGS = {
  HTTP_TRUST_PROXY:
    'replaced by HTTP_TRUSTED_PROXIES: list the addresses or CIDR ranges of your proxies (e.g. HTTP_TRUSTED_PROXIES=10.0.0.0/8)',
};

export const httpSettings = defineSettings('http', HttpSettings, REMOVED_HTTP_SETTINGS);
export const grpcSettings = defineSettings('grpc', GrpcSettings);
export const databaseSettings = defineSettings('database', DatabaseSettings);
export const redisSettings = defineSettings('redis', RedisSettings);
