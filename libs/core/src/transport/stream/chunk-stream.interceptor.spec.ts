import { EventEmitter } from 'node:events';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { of, type Subscription } from 'rxjs';
import { ChunkStream } from './chunk-stream';
import { ChunkStreamInterceptor } from './chunk-stream.interceptor';

/** A gRPC call that takes `room` messages, then needs a drain, as grpc-js's writable does. */
class FakeCall extends EventEmitter {
  writableNeedDrain = false;
  readonly written: unknown[] = [];

  constructor(private room: number) {
    super();
  }

  take(message: unknown): void {
    this.written.push(message);
    this.writableNeedDrain = this.written.length >= this.room;
  }

  drain(room: number): void {
    this.room = room;
    this.written.length = 0;
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

function rpcContext(call: FakeCall): ExecutionContext {
  return { getType: () => 'rpc', getArgByIndex: (index: number) => (index === 2 ? call : undefined) } as never;
}

/** Chunks that count how many were read, so a test sees how far ahead of the call the reading went. */
function countedChunks(total: number): { chunks: AsyncIterable<Uint8Array>; read: () => number } {
  let read = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < total; i += 1) {
      read += 1;
      // A file read resolves later, as this does.
      yield await Promise.resolve(Uint8Array.of(i));
    }
  }
  return { chunks: chunks(), read: () => read };
}

function bytesOf(chunks: AsyncIterable<Uint8Array>): ChunkStream<Uint8Array> & { closed: () => number } {
  let closed = 0;
  const stream = ChunkStream.bytes({
    chunks,
    contentType: 'image/jpeg',
    head: { info: 'head' },
    toMessage: (chunk) => ({ chunk }),
    close: () => (closed += 1),
  });
  return Object.assign(stream, { closed: () => closed });
}

/** Resolves once every pending promise callback has run. */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(ChunkStreamInterceptor.name, () => {
  const sut = new ChunkStreamInterceptor();

  it('should send the head first, then one message per chunk, reading no further than the call takes', async () => {
    const call = new FakeCall(3);
    const source = countedChunks(10);
    const stream = bytesOf(source.chunks);
    const handler: CallHandler = { handle: () => of(stream) };
    const sent: unknown[] = [];
    let done = false;

    const subscription: Subscription = sut.intercept(rpcContext(call), handler).subscribe({
      next: (message) => {
        sent.push(message);
        call.take(message);
      },
      complete: () => (done = true),
    });
    await settled();

    // The head and two chunks fill the call: the third chunk waits for a drain, unread.
    expect(sent).toEqual([{ info: 'head' }, { chunk: Uint8Array.of(0) }, { chunk: Uint8Array.of(1) }]);
    expect(source.read()).toBe(2);
    expect(done).toBe(false);
    expect(stream.closed()).toBe(0);

    call.drain(100);
    await settled();

    expect(sent.slice(3)).toEqual([2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({ chunk: Uint8Array.of(i) })));
    expect(done).toBe(true);
    expect(stream.closed()).toBe(1);
    subscription.unsubscribe();
  });

  it('should read nothing and release the source when the client goes away before the first chunk', async () => {
    const call = new FakeCall(1);
    const source = countedChunks(10);
    const stream = bytesOf(source.chunks);
    const subscription = sut
      .intercept(rpcContext(call), { handle: () => of(stream) })
      .subscribe({ next: (message) => call.take(message) });
    await settled();

    subscription.unsubscribe();
    call.drain(100);
    await settled();

    expect(source.read()).toBe(0);
    expect(stream.closed()).toBe(1);
  });
});
