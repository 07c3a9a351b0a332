import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * How clients and the replay caches may keep a call's answer. Set by the handler of a public lookup; core applies
 * it as the answer leaves (REST: ETag, Cache-Control, 304; both transports: the replay caches).
 */
export interface AnswerCaching {
  /** Cache-Control of the REST answer. */
  cacheControl: string;
  /**
   * Headers (REST) or metadata (gRPC) a replay of this answer carries, besides the request id. Without it the
   * answer is never replayed.
   */
  replayMeta?: Readonly<Record<string, string>>;
}

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
  answerCaching?: AnswerCaching;
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
  /** Marks the current call's answer as one clients may cache and the replay caches may keep while fresh. */
  cacheAnswer(caching: AnswerCaching): void {
    const store = storage.getStore();
    if (store) {
      store.answerCaching = caching;
    }
  },
  /**
   * Until when a call's answer may be replayed: it was marked replayable, it was built from stored answers that
   * are still fresh, and no signed-in caller shaped it.
   */
  replayableUntil(context: RequestContext): number | undefined {
    const { answerCaching, userId, freshUntil } = context;
    const replayable = answerCaching?.replayMeta !== undefined && userId === undefined;
    return replayable && freshUntil !== undefined && freshUntil > Date.now() ? freshUntil : undefined;
  },
  /** Records that the answer of the current call is only as fresh as `expiresAt`. */
  limitFreshness(expiresAt: number): void {
    const store = storage.getStore();
    if (store) {
      store.freshUntil = store.freshUntil === undefined ? expiresAt : Math.min(store.freshUntil, expiresAt);
    }
  },
};
