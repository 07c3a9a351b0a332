import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  transport: 'http' | 'rpc';
  /** Route template or gRPC method, for logs and metrics. */
  operation: string;
  userId?: string;
  /** Response metadata gathered during the call (e.g. x-cache), sent as HTTP headers or gRPC metadata. */
  responseMeta: Map<string, string>;
  /** When the least fresh stored answer this call used expires (ms since epoch); unset when none was used. */
  freshUntil?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
  /** Adds a response header (HTTP) / metadata entry (gRPC) to the current call, if there is one. */
  setResponseMeta(key: string, value: string): void {
    storage.getStore()?.responseMeta.set(key, value);
  },
  /** Records that the answer of the current call is only as fresh as `expiresAt`. */
  limitFreshness(expiresAt: number): void {
    const store = storage.getStore();
    if (store) {
      store.freshUntil = store.freshUntil === undefined ? expiresAt : Math.min(store.freshUntil, expiresAt);
    }
  },
};
