import { DomainError, ErrorCode } from '@app/core';
import { fallThrough, type FallThroughStep } from './fall-through';

const unknown = (source: string): FallThroughStep<string> => ({ source, ask: () => Promise.resolve(undefined) });
const down = (source: string): FallThroughStep<string> => ({
  source,
  ask: () => Promise.reject(new DomainError(ErrorCode.UPSTREAM_UNAVAILABLE, `${source} is unavailable`)),
});
const knows = (source: string): FallThroughStep<string> => ({ source, ask: () => Promise.resolve(`from ${source}`) });

async function failureOf(steps: FallThroughStep<string>[]): Promise<DomainError> {
  const error: unknown = await fallThrough('ISRC GBDUW0000059', steps).catch((caught: unknown) => caught);
  if (!(error instanceof DomainError)) {
    throw new Error('expected a DomainError');
  }
  return error;
}

describe(fallThrough.name, () => {
  it('should answer from the first provider that knows the code, past one that is down', async () => {
    const sut = await fallThrough('ISRC GBDUW0000059', [down('musicbrainz'), unknown('deezer'), knows('itunes')]);
    expect(sut).toEqual({ value: 'from itunes', source: 'itunes' });
  });

  it('should answer NOT_FOUND only when every provider answered that it does not know the code', async () => {
    const sut = await failureOf([unknown('musicbrainz'), unknown('deezer')]);
    expect(sut.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('should say which providers did not know the code and which could not be asked', async () => {
    const sut = await failureOf([unknown('musicbrainz'), down('deezer')]);
    expect(sut.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
    expect(sut.message).toBe(
      'ISRC GBDUW0000059: not known to musicbrainz; could not ask deezer (deezer is unavailable)',
    );
  });

  it('should not suggest any provider answered when none could be asked', async () => {
    const sut = await failureOf([down('musicbrainz'), down('deezer')]);
    expect(sut.message).toBe(
      'ISRC GBDUW0000059: could not ask any provider: musicbrainz (musicbrainz is unavailable), deezer (deezer is unavailable)',
    );
  });

  it('should list the providers it could not ask with their error code, as search does', async () => {
    const sut = await failureOf([unknown('musicbrainz'), down('deezer')]);
    expect(sut.extensions).toEqual({
      failures: [{ source: 'deezer', reason: 'deezer is unavailable', code: ErrorCode.UPSTREAM_UNAVAILABLE }],
    });
  });
});
