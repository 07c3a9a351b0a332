import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bootTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const BUF = join(__dirname, '..', '..', 'node_modules', '.bin', 'buf');

/**
 * `buf curl` builds its schema from what reflection serves and validates it as protoc would, so it is the strict
 * client: a service whose file it rejects is silently left out of `--list-services`.
 */
describe('gRPC server reflection (buf curl)', () => {
  let sut: TestApp;

  const bufCurl = async (...args: string[]): Promise<{ stdout: string; stderr: string }> =>
    run(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], { encoding: 'utf8' }).catch(
      (error: { stdout: string; stderr: string }) => error,
    );

  beforeAll(async () => {
    sut = await bootTestApp();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('should list the health service next to the Chorus services', async () => {
    const { stdout, stderr } = await bufCurl('--list-services', `http://${sut.grpcAddress}`);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual(
      expect.arrayContaining(['grpc.health.v1.Health', 'chorus.v1.CatalogService', 'chorus.v1.AuthService']),
    );
  });

  it('should answer grpc.health.v1.Health/Check resolved through reflection', async () => {
    const { stdout, stderr } = await bufCurl(`http://${sut.grpcAddress}/grpc.health.v1.Health/Check`);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ status: 'SERVING' });
  });

  it('should resolve every method of the health service, List (which answers a map) included', async () => {
    const { stdout, stderr } = await bufCurl('--list-methods', `http://${sut.grpcAddress}`);
    expect(stderr).toBe('');
    expect(stdout.split('\n')).toEqual(
      expect.arrayContaining(['grpc.health.v1.Health/Check', 'grpc.health.v1.Health/List']),
    );
  });
});
