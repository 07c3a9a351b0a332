import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { median } from './common';
import type { Run } from './load';

/** Median figures of one side of a scenario over its runs. */
export interface Side {
  label: string;
  rps: number;
  p50: number;
  p99: number;
  serverCpu: number;
  errors: number;
  runs: Run[];
}

export interface Row {
  key: string;
  scenario: string;
  baseline?: Side;
  chorus: Side;
  /** The figure the target is about: a ratio, milliseconds, a count or megabytes. */
  result: number;
  unit: 'ratio' | 'ms' | 'calls' | 'MB';
  /** None for a row that only shows a cost (the issue sets it no target). */
  target?: { op: '>=' | '<=' | '=='; value: number };
  /** Undefined without a target. */
  met?: boolean;
  /** Per-pair results the median was taken over. */
  pairs: number[];
  notes: string[];
}

export function side(label: string, runs: Run[]): Side {
  return {
    label,
    rps: median(runs.map((r) => r.rps)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    serverCpu: median(runs.map((r) => r.serverCpu)),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    runs,
  };
}

export function row(fields: Omit<Row, 'met'>): Row {
  if (!fields.target) {
    return { ...fields };
  }
  const { op, value } = fields.target;
  const met = op === '>=' ? fields.result >= value : op === '<=' ? fields.result <= value : fields.result === value;
  return { ...fields, met };
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  loadAverageAtStart: number[];
  pinning: string;
}

export function machine(pinning: string): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
    pinning,
  };
}

export interface Report {
  date: string;
  mode: 'full' | 'smoke';
  durationSec: number;
  settings: Record<string, string | number>;
  machine: Machine;
  rows: Row[];
}

const num = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '–';

function fmtSide(s: Side | undefined): [string, string] {
  if (!s) {
    return ['–', '–'];
  }
  const rps = Number.isFinite(s.rps) ? num(s.rps, s.rps < 100 ? 1 : 0) : '–';
  return [rps, `${num(s.p50, 2)} / ${num(s.p99, 2)}`];
}

function fmtResult(r: Row): string {
  switch (r.unit) {
    case 'ratio':
      return `${num(r.result, 2)}×`;
    case 'ms':
      return `${num(r.result, 2)} ms`;
    case 'calls':
      return `${num(r.result)} call${r.result === 1 ? '' : 's'}`;
    case 'MB':
      return `${num(r.result, 1)} MB`;
  }
}

function fmtTarget(r: Row): string {
  if (!r.target) {
    return '–';
  }
  const value =
    r.unit === 'ratio'
      ? `${r.target.value}×`
      : r.unit === 'ms' || r.unit === 'MB'
        ? `${num(r.target.value, 1)} ${r.unit}`
        : `${r.target.value}`;
  return `${r.target.op === '==' ? '=' : r.target.op === '>=' ? '≥' : '≤'} ${value}`;
}

/** 'yes', '**no**', or '–' for a row without a target. */
export function fmtMet(r: Row): string {
  return r.met === undefined ? '–' : r.met ? 'yes' : '**no**';
}

/** The results as a Markdown table (also printed to the terminal). */
export function markdownTable(rows: Row[]): string {
  const lines = [
    '| Scenario | Baseline (/s) | Baseline p50 / p99 ms | Chorus (/s) | Chorus p50 / p99 ms | Chorus CPU | Result | Target | Met |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const r of rows) {
    const [brps, blat] = fmtSide(r.baseline);
    const [crps, clat] = fmtSide(r.chorus);
    const cpu = Number.isFinite(r.chorus.serverCpu) ? `${num(r.chorus.serverCpu * 100)}%` : '–';
    lines.push(
      `| ${r.scenario} | ${brps} | ${blat} | ${crps} | ${clat} | ${cpu} | ${fmtResult(r)} | ${fmtTarget(r)} | ${fmtMet(r)} |`,
    );
  }
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A horizontal bar per ratio row, the target as a tick; green met, red missed, grey without a target. */
export function svgChart(report: Report): string {
  const rows = report.rows.filter((r) => r.unit === 'ratio');
  const width = 760;
  const left = 300;
  const barArea = width - left - 60;
  const rowHeight = 34;
  const top = 40;
  const height = top + rows.length * rowHeight + 30;
  const max = Math.max(
    1.2,
    ...rows.map((r) => (Number.isFinite(r.result) ? r.result : 0)),
    ...rows.map((r) => r.target?.value ?? 0),
  );
  const x = (value: number): number => left + (Math.max(0, value) / max) * barArea;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">Chorus / baseline (${report.mode}, ${escapeXml(report.date.slice(0, 10))}, ${report.machine.cores} cores)</text>`,
    `<line x1="${x(1)}" y1="${top - 8}" x2="${x(1)}" y2="${height - 24}" stroke="#999" stroke-dasharray="3,3"/>`,
    `<text x="${x(1)}" y="${height - 10}" text-anchor="middle" fill="#666">1.0</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowHeight;
    const value = Number.isFinite(r.result) ? r.result : 0;
    parts.push(
      `<text x="${left - 8}" y="${y + 16}" text-anchor="end">${escapeXml(r.scenario)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(value) - left)}" height="18" fill="${r.met === undefined ? '#9a9a9a' : r.met ? '#3a9d5d' : '#d0453a'}"/>`,
      `<text x="${x(value) + 4}" y="${y + 17}">${num(r.result, 2)}</text>`,
    );
    if (r.target) {
      parts.push(
        `<line x1="${x(r.target.value)}" y1="${y}" x2="${x(r.target.value)}" y2="${y + 26}" stroke="#000" stroke-width="2"/>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function machineLine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverageAtStart.join(' / ')}; ${m.pinning}`;
}

export function writeReport(report: Report, files: { json: string; svg: string; readme?: string }): void {
  mkdirSync(dirname(files.json), { recursive: true });
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.svg, `${svgChart(report)}\n`);
  if (!files.readme || !existsSync(files.readme)) {
    return;
  }
  const settings = Object.entries(report.settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const section = [
    '<!-- results:start -->',
    `Latest run: ${report.date} (${report.mode}, ${Math.round(report.durationSec)} s).`,
    '',
    `Machine: ${machineLine(report.machine)}.`,
    '',
    `Settings: ${settings}.`,
    '',
    markdownTable(report.rows),
    '',
    ...report.rows.flatMap((r) => r.notes.map((n) => `- ${r.scenario}: ${n}`)),
    '',
    '![ratios](results/latest.svg)',
    '<!-- results:end -->',
  ].join('\n');
  const text = readFileSync(files.readme, 'utf8');
  const updated = text.replace(/<!-- results:start -->[\s\S]*<!-- results:end -->/, section);
  writeFileSync(files.readme, updated);
}
