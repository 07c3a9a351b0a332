import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FakeUpstream } from '../fake-upstream';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

const run = promisify(execFile);
const BUF = join(__dirname, '..', '..', 'node_modules', '.bin', 'buf');
const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';

/** What the README shows: `buf curl` through server reflection, with the request's JSON form. */
describe('GetArtist with a read_mask through gRPC reflection (buf curl)', () => {
  const fake = new FakeUpstream();
  let sut: TestApp;

  const bufCurl = async (body: object): Promise<{ stdout: string; stderr: string }> =>
    run(
      BUF,
      [
        'curl',
        '--protocol',
        'grpc',
        '--http2-prior-knowledge',
        '-d',
        JSON.stringify(body),
        `http://${sut.grpcAddress}/chorus.v1.CatalogService/GetArtist`,
      ],
      { encoding: 'utf8' },
    ).catch((error: { stdout: string; stderr: string }) => error);

  beforeAll(async () => {
    await fake.start();
    sut = await bootTestApp(upstreamEnv(fake));
  });

  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  it('should resolve the schema, google.protobuf.FieldMask included, and answer the masked parts', async () => {
    const { stdout, stderr } = await bufCurl({ id: DAFT_PUNK, readMask: 'relations,aliases' });
    expect(stderr).toBe('');
    const artist = JSON.parse(stdout) as { name: string; relations: { members: unknown[] }; aliases: unknown[] };
    expect(artist.name).toBe('Daft Punk');
    expect(artist.relations.members).toHaveLength(2);
    expect(artist.aliases).toHaveLength(2);
  });

  it('should answer INVALID_ARGUMENT naming readMask for an unknown path', async () => {
    const { stdout, stderr } = await bufCurl({ id: DAFT_PUNK, readMask: 'everything' });
    expect(stdout).toBe('');
    expect(stderr).toContain('invalid_argument');
    expect(stderr).toContain('readMask');
  });
});
