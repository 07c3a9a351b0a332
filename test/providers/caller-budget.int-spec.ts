import type { TestingModule } from '@nestjs/testing';
import { DomainError, ErrorCode, requestContext } from '@app/core';
import { CallerBudget } from '@app/providers';
import { SHARED_REDIS_URL } from '../support/env';
import { FakeUpstream } from '../fake-upstream';
import { createProvidersModule, testSettings } from './providers.harness';

const CALLER = { key: 'address:192.0.2.7', budgeted: true };

/** Runs `fn` as a request from the caller's address, as the transports open it. */
function asCaller<T>(fn: () => T): T {
  return requestContext.run({ requestId: 'r', transport: 'http', operation: 'test', clientAddress: '192.0.2.7' }, fn);
}

async function refusal(charge: Promise<void>): Promise<ErrorCode | undefined> {
  return charge.then(
    () => undefined,
    (error: unknown) => (error instanceof DomainError ? error.code : undefined),
  );
}

/** Points prepaid by the read path (with shared budgets in Redis): spent by the next call, or given back. */
describe(`${CallerBudget.name} prepaid points`, () => {
  const upstream = new FakeUpstream();
  let moduleRef: TestingModule;
  let sut: CallerBudget;

  beforeAll(() => upstream.start());
  afterAll(() => upstream.stop());

  beforeEach(async () => {
    moduleRef = await createProvidersModule({
      ...testSettings(upstream),
      REDIS_URL: SHARED_REDIS_URL,
      PROVIDER_CALLER_BUDGET: '1/60s',
    });
    sut = moduleRef.get(CallerBudget);
  });

  afterEach(() => moduleRef.close());

  it('should give back a point no provider call used', async () => {
    for (let i = 0; i < 3; i += 1) {
      await asCaller(() => sut.prepay()).settle();
    }
    // Three points were taken of a budget of one; all went back, so the one call still has its point.
    expect(await refusal(sut.charge(CALLER))).toBeUndefined();
    expect(await refusal(sut.charge(CALLER))).toBe(ErrorCode.RATE_LIMITED);
  });

  it("should spend the prepaid point on the caller's next call instead of taking another", async () => {
    const prepaid = asCaller(() => sut.prepay());
    expect(await refusal(sut.charge(CALLER))).toBeUndefined();
    await prepaid.settle();
    // The call used the prepaid point, so settling gave nothing back and the budget of one is spent.
    expect(await refusal(sut.charge(CALLER))).toBe(ErrorCode.RATE_LIMITED);
  });

  it('should refuse the call that uses a prepaid point the budget did not have', async () => {
    expect(await refusal(sut.charge(CALLER))).toBeUndefined();
    const prepaid = asCaller(() => sut.prepay());
    expect(await refusal(sut.charge(CALLER))).toBe(ErrorCode.RATE_LIMITED);
    await prepaid.settle();
  });
});
