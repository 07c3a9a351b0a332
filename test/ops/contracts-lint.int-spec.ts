import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const BUF = join(ROOT, 'node_modules', '.bin', 'buf');

function buf(args: string[], cwd = ROOT): { status: number | null; output: string } {
  const result = spawnSync(BUF, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    throw result.error;
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('gRPC contract (buf)', () => {
  it('passes buf lint with the STANDARD rules and only the exceptions buf.yaml explains', () => {
    expect(buf(['lint', 'libs/contracts'])).toEqual({ status: 0, output: '' });
    const config = readFileSync(join(ROOT, 'libs', 'contracts', 'buf.yaml'), 'utf8');
    expect(config).toMatch(/^\s+- STANDARD$/m);
    // Every rule switched off sits under a comment that gives the reason.
    const except = config.slice(config.indexOf('except:'), config.indexOf('breaking:'));
    expect(except).toMatch(/#.+\n(\s+#.*\n)*(\s+- [A-Z_]+\n)+/);
  });

  it('buf breaking catches a renamed field against the shipped protos', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-buf-'));
    try {
      cpSync(join(ROOT, 'libs', 'contracts'), join(dir, 'contracts'), { recursive: true });
      const file = join(dir, 'contracts', 'proto', 'chorus', 'v1', 'catalog.proto');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/string id = 1;/, 'string ident = 1;'));
      const result = buf(['breaking', 'contracts', '--against', join(ROOT, 'libs', 'contracts')], dir);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/changed name from "id" to "ident"/);
      expect(buf(['breaking', join(ROOT, 'libs', 'contracts'), '--against', join(ROOT, 'libs', 'contracts')])).toEqual({
        status: 0,
        output: '',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
