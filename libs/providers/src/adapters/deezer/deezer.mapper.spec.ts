import { deezerError } from './deezer.mapper';

describe(deezerError.name, () => {
  it('should turn errors inside a 200 body into failures', () => {
    const noData = deezerError({ error: { type: 'DataException', message: 'no data', code: 800 } });
    const quota = deezerError({ error: { type: 'Exception', message: 'Quota limit exceeded', code: 4 } });
    const query = deezerError({ error: { type: 'InvalidQueryException', message: 'bad', code: 600 } });
    const other = deezerError({ error: { type: 'OAuthException', message: 'token', code: 300 } });

    expect(noData).toMatchObject({ kind: 'status', status: 404 });
    expect(quota).toMatchObject({ kind: 'status', status: 429, retryAfterMs: 5_000 });
    expect(query).toMatchObject({ kind: 'status', status: 400 });
    expect(other).toMatchObject({ kind: 'invalid-body' });
    expect(deezerError({ id: 1, title: 'fine' })).toBeUndefined();
  });
});
