import { spawnSync } from 'node:child_process';

export interface ToolResult {
  status: number | null;
  output: string;
}

/** Runs Debian's promtool (package `prometheus`; .ci/run installs it). */
export function promtool(args: string[], input?: string): ToolResult {
  const result = spawnSync('promtool', args, { input, encoding: 'utf8', timeout: 30_000 });
  if (result.error) {
    throw new Error(`promtool is not runnable (apt-get install prometheus): ${result.error.message}`);
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Every series name a scrape of this exposition can produce (histograms add _bucket, _sum and _count). */
export function exposedSeriesNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const [, name, type] = match;
    names.add(name);
    if (type === 'histogram') {
      names.add(`${name}_bucket`).add(`${name}_sum`).add(`${name}_count`);
    }
    if (type === 'summary') {
      names.add(`${name}_sum`).add(`${name}_count`);
    }
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: identifiers that are not functions, keywords, label names
 * (inside `{}` or `by (...)`), strings, durations or Grafana variables.
 */
export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = match;
    if (!call && !PROMQL_WORDS.has(word.toLowerCase())) {
      names.add(word);
    }
  }
  return [...names];
}
