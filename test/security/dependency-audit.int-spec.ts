import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, '..', '..');

interface AuditReport {
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
  message?: string;
  error?: { summary?: string };
}

function npmAudit(): Promise<{ report: AuditReport; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: 90_000, maxBuffer: 32 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        let report: AuditReport;
        try {
          report = JSON.parse(stdout) as AuditReport;
        } catch {
          report = { message: stdout.slice(0, 500) };
        }
        done({ report, stderr });
      },
    );
  });
}

/** Packages with a high/critical advisory that SECURITY.md explains (a line `- \`name\`: why it does not apply`). */
function explainedInSecurityMd(): Set<string> {
  const text = readFileSync(resolve(ROOT, 'SECURITY.md'), 'utf8');
  const section = text.split('## Dependency audit')[1] ?? '';
  return new Set([...section.matchAll(/^- `([^`]+)`:/gm)].map((m) => m[1]));
}

describe('Dependency audit (npm audit --omit=dev)', () => {
  it('should have no high or critical advisory in production dependencies that SECURITY.md does not explain', async () => {
    const { report, stderr } = await npmAudit();
    if (!report.vulnerabilities) {
      // No audit answer at all (offline, or a registry mirror without the audit endpoint, as on the machine
      // .ci/run uses: it answers 405). Where the endpoint exists (a release pipeline, a developer's laptop),
      // set CHORUS_AUDIT_REQUIRED=1 and this fails instead of passing silently; see SECURITY.md.
      const reason =
        report.error?.summary || report.message || stderr.split('\n').find((l) => l.includes('audit')) || 'no report';
      if (process.env.CHORUS_AUDIT_REQUIRED === '1') {
        throw new Error(`npm audit gave no report: ${reason}`);
      }
      console.warn(`npm audit unavailable, nothing checked: ${reason}`);
      return;
    }
    const explained = explainedInSecurityMd();
    const serious = Object.entries(report.vulnerabilities)
      .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
      .map(([name, v]) => `${name} (${v.severity})`)
      .filter((entry) => !explained.has(entry.split(' ')[0]));
    expect(serious).toEqual([]);
  });
});
