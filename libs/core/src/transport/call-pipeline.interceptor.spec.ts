import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, Observable, of, toArray } from 'rxjs';
import { requestContext } from '../logging/request-context';
import { FakeClock } from '../time/fake-clock';
import { AnswerInterceptor } from './answer.interceptor';
import { CallPipelineInterceptor } from './call-pipeline.interceptor';
import { RequestContextInterceptor } from './request-context.interceptor';
import { ChunkStream } from './stream/chunk-stream';
import { ChunkStreamInterceptor } from './stream/chunk-stream.interceptor';

/** A gRPC call (no HTTP objects needed): data, metadata, and a call that always takes more messages. */
function rpcContext(): ExecutionContext {
  const call = { writableNeedDrain: false, getPath: () => '/chorus.v1.Test/Get', getPeer: () => '127.0.0.1:1' };
  return { getType: () => 'rpc', getArgByIndex: (index: number) => (index === 2 ? call : undefined) } as never;
}

function handler(source: Observable<unknown>): CallHandler {
  return { handle: () => source };
}

async function* twoChunks(): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(Uint8Array.of(1));
  yield await Promise.resolve(Uint8Array.of(2));
}

describe(CallPipelineInterceptor.name, () => {
  const answers = new AnswerInterceptor(new FakeClock());
  const sut = new CallPipelineInterceptor(new RequestContextInterceptor(), answers, new ChunkStreamInterceptor());

  it('should run the handler inside the call request context and send its value', async () => {
    const seen: unknown[] = [];
    const source = new Observable<unknown>((subscriber) => {
      seen.push(requestContext.current()?.operation);
      subscriber.next({ id: 1 });
      subscriber.complete();
    });

    const sent = await lastValueFrom(sut.intercept(rpcContext(), handler(source)).pipe(toArray()));

    expect(seen).toEqual(['/chorus.v1.Test/Get']);
    expect(sent).toEqual([{ id: 1 }]);
  });

  it('should fail the call when a step throws, not lose the error', async () => {
    jest.spyOn(answers, 'shape').mockImplementationOnce(() => {
      throw new Error('step failed');
    });

    await expect(lastValueFrom(sut.intercept(rpcContext(), handler(of({ id: 1 }))))).rejects.toThrow('step failed');
  });

  it('should send every message of a result that comes later, and complete only after the last', async () => {
    const stream = ChunkStream.bytes({
      chunks: twoChunks(),
      contentType: 'image/jpeg',
      head: { info: 'head' },
      toMessage: (chunk) => ({ chunk: Array.from(chunk) }),
      close: () => undefined,
    });

    const sent = await lastValueFrom(sut.intercept(rpcContext(), handler(of(stream))).pipe(toArray()));

    expect(sent).toEqual([{ info: 'head' }, { chunk: [1] }, { chunk: [2] }]);
  });
});
