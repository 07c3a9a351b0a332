import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { load } from 'js-yaml';
import { HEALTH_METRIC } from '@app/health';
import { promtool, promqlMetricNames } from './prometheus-tools';

const ROOT = resolve(__dirname, '..', '..');
const RULES = resolve(ROOT, 'deploy', 'prometheus', 'alerts.yml');
const RUNBOOK = 'https://github.com/chorus-music/chorus/blob/main/docs/operations.md#';

interface Rule {
  alert: string;
  expr: string;
  annotations?: Record<string, string>;
}

function rules(): Rule[] {
  const parsed = load(readFileSync(RULES, 'utf8')) as { groups: Array<{ rules: Rule[] }> };
  return parsed.groups.flatMap((group) => group.rules);
}

/** GitHub's heading anchors of the runbook page. */
function runbookAnchors(): Set<string> {
  const text = readFileSync(resolve(ROOT, 'docs', 'operations.md'), 'utf8');
  return new Set(
    [...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) =>
      match[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

describe('Prometheus alert rules', () => {
  it('should pass promtool check rules and the rule unit tests', () => {
    expect(promtool(['check', 'rules', RULES]).status).toBe(0);
    const tests = promtool(['test', 'rules', resolve(ROOT, 'deploy', 'prometheus', 'alerts.test.yml')]);
    expect(tests.output).toContain('SUCCESS');
    expect(tests.status).toBe(0);
  });

  it('should give every alert a runbook_url that lands on its section of docs/operations.md', () => {
    const anchors = runbookAnchors();
    for (const rule of rules()) {
      const url = rule.annotations?.runbook_url ?? '';
      expect({ alert: rule.alert, url }).toEqual({ alert: rule.alert, url: expect.stringMatching(`^${RUNBOOK}`) });
      const anchor = url.slice(RUNBOOK.length);
      expect({ alert: rule.alert, anchor, exists: anchors.has(anchor) }).toEqual({
        alert: rule.alert,
        anchor,
        exists: true,
      });
    }
  });

  it('should alert on not-ready from the chorus_ready gauge, which every probe type shares', () => {
    const notReady = rules().find((rule) => rule.alert === 'ChorusNotReady');
    expect(promqlMetricNames(notReady?.expr ?? '')).toEqual([HEALTH_METRIC.ready]);
  });
});
