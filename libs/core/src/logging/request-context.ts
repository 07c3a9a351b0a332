import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What log lines of a call carry, on either transport. Opened by RequestContextInterceptor after the guards ran,
 * so it knows the signed-in caller; nothing else writes it. Answers carry their own freshness (`Answer<T>`).
 */
export interface RequestContext {
  requestId: string;
  /** `job`: background work a request started (a playlist import), run as that request's user. */
  transport: 'http' | 'rpc' | 'job';
  /** Route template or gRPC method. */
  operation: string;
  userId?: string;
  /** The client's address (as the transports establish it): whose budget anonymous provider work draws on. */
  clientAddress?: string;
  /**
   * On an open route, the user a bearer token names (its JWT verified on first use, its session not looked up):
   * whose budget the call's provider work draws on. Never on log lines: the session may have ended.
   */
  bearerUser?: () => Promise<string | undefined>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
