import fc from 'fast-check';
import request from 'supertest';
import { status as GrpcStatus, type Client } from '@grpc/grpc-js';
import { grpcCall, grpcClient } from '../support/grpc-client';
import { malformedMessage, messageObject, rightMessage, wrongShapedMessage } from './hostile-arbitraries';
import {
  grpcFrame,
  protoCatalog,
  rawGrpc,
  stopRetention,
  tableCounts,
  type ProtoCatalog,
  type ProtoMethod,
} from './hostile-tools';
import { admin, bootSecuredApp, INTERNAL_LEAK, register, type Account, type SecuredApp } from './security-helpers';

jest.setTimeout(180_000);

/** Runs per method and property; `FUZZ_RUNS=200 FC_SEED=random` explores further (SECURITY.md "Hostile input"). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

/** Methods whose success ends the session the suite calls with: it signs in again after them. */
const SESSION_ENDING = new Set([
  'AuthService/Logout',
  'AuthService/LogoutEverywhere',
  'AuthService/DeleteAccount',
  'AuthService/RevokeSession',
  'AuthService/ChangePassword',
  'AuthService/SetUserRole',
]);

const NEVER = [GrpcStatus.INTERNAL, GrpcStatus.UNKNOWN, GrpcStatus.DATA_LOSS];

describe('Hostile input on every gRPC method', () => {
  let secured: SecuredApp;
  let catalog: ProtoCatalog;
  const accounts: Partial<Record<'user' | 'admin', Account>> = {};
  const clients = new Map<string, Client>();

  const client = (service: string): Client => {
    let found = clients.get(service);
    if (!found) {
      found = grpcClient(secured.app.grpcAddress, service);
      clients.set(service, found);
    }
    return found;
  };

  const signIn = async (): Promise<void> => {
    for (const role of ['user', 'admin'] as const) {
      const known = accounts[role];
      const alive =
        known && (await request(secured.app.httpUrl).get('/v1/me').set('authorization', `Bearer ${known.accessToken}`));
      if (!alive || alive.status !== 200) {
        accounts[role] = role === 'admin' ? await admin(secured.app.httpUrl) : await register(secured.app.httpUrl);
      }
    }
  };

  const credential = fc.constantFrom<'none' | 'garbage' | 'user' | 'admin'>('none', 'garbage', 'user', 'admin');
  const headersOf = (who: 'none' | 'garbage' | 'user' | 'admin'): Record<string, string> => {
    if (who === 'garbage') {
      return { authorization: 'Bearer a.b.c' };
    }
    const account = who === 'none' ? undefined : accounts[who];
    return account ? { authorization: `Bearer ${account.accessToken}` } : {};
  };

  /** Sends framed bytes to the method; fails on INTERNAL/UNKNOWN, a leak, or (when given) any other code. */
  const sendRaw = async (
    op: ProtoMethod,
    bytes: Buffer,
    who: 'none' | 'garbage' | 'user' | 'admin',
  ): Promise<number> => {
    const answer = await rawGrpc(secured.app.grpcAddress, op.path, grpcFrame(bytes), headersOf(who));
    if (answer.status === -1 || NEVER.includes(answer.status) || INTERNAL_LEAK.test(answer.message)) {
      throw new Error(
        `${op.key} as ${who} ← ${bytes.toString('hex').slice(0, 400)} → ${answer.status} ${answer.message}`,
      );
    }
    return answer.status;
  };

  beforeAll(async () => {
    secured = await bootSecuredApp();
    catalog = protoCatalog();
    await signIn();
  });

  afterAll(async () => {
    for (const c of clients.values()) {
      c.close();
    }
    await secured?.close();
  });

  it('should find every method of every chorus.v1 service, with its request fields', () => {
    expect(catalog.methods.length).toBeGreaterThan(50);
    const batch = catalog.methods.find((m) => m.key === 'CatalogService/BatchGetTracks');
    expect(catalog.messages.get(batch?.requestType ?? '')?.map((f) => f.name)).toEqual(['ids']);
  });

  it('should answer generated messages of the declared shapes on every method without INTERNAL or UNKNOWN', async () => {
    const accepted = new Set<string>();
    for (const op of catalog.methods) {
      await fc.assert(
        fc.asyncProperty(messageObject(catalog, op.requestType), credential, async (message, who) => {
          const result = await grpcCall(client(op.service), op.method, message, headersOf(who));
          const code = result.error?.code;
          if ((code !== undefined && NEVER.includes(code)) || INTERNAL_LEAK.test(result.error?.details ?? '')) {
            const shown = JSON.stringify(message).slice(0, 400);
            throw new Error(`${op.key} as ${who} ${shown} → ${code} ${result.error?.details}`);
          }
          if (code === undefined) {
            accepted.add(op.key);
          }
          if (SESSION_ENDING.has(op.key) && code === undefined) {
            await signIn();
          }
        }),
        { numRuns: RUNS },
      );
    }
    // The generator must reach the use cases, not only the validation in front of them.
    expect(accepted.size).toBeGreaterThan(10);
  });

  it('should answer well-framed protobuf with wrong wire types, unknown fields and invalid UTF-8 without INTERNAL', async () => {
    for (const op of catalog.methods) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(wrongShapedMessage(catalog, op.requestType), rightMessage(catalog, op.requestType)),
          credential,
          async (bytes, who) => {
            const code = await sendRaw(op, bytes, who);
            if (SESSION_ENDING.has(op.key) && code === Number(GrpcStatus.OK)) {
              await signIn();
            }
          },
        ),
        { numRuns: RUNS },
      );
    }
  });

  it('should answer undecodable bytes on every method with INVALID_ARGUMENT, store nothing and call no provider', async () => {
    await signIn();
    await stopRetention(secured.app);
    const before = await tableCounts(secured.app.database.url);
    secured.fake.clearLog();
    for (const op of catalog.methods) {
      await fc.assert(
        fc.asyncProperty(malformedMessage(catalog, op.requestType), async (bytes) => {
          // The admin passes every guard, so what answers is the decoding of the request itself.
          const code = await sendRaw(op, bytes, 'admin');
          expect([op.key, bytes.toString('hex'), code]).toEqual([
            op.key,
            bytes.toString('hex'),
            GrpcStatus.INVALID_ARGUMENT,
          ]);
        }),
        { numRuns: RUNS },
      );
    }
    expect(await tableCounts(secured.app.database.url)).toEqual(before);
    expect(secured.fake.requests().map((r) => r.path)).toEqual([]);
    // Logout, LogoutEverywhere and DeleteAccount were among the refused calls: the admin is still signed in.
    const me = await grpcCall(client('chorus.v1.AuthService'), 'GetMe', {}, headersOf('admin'));
    expect(me.error).toBeUndefined();
  });
});
