import { readFileSync } from 'node:fs';

/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per package, so a missed target
 * can be traced to its cause. Usage: node profile-summary.js <file.cpuprofile> [top=30]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2] ?? '';
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) {
  for (const c of n.children ?? []) {
    parent.set(c, n.id);
  }
}
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (url.includes('/chorus-bench/app/') || url.includes('/dist/')) {
    return `chorus:${url.replace(/^.*\/(apps|libs)\//, '$1/')}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  return url.startsWith('node:') ? 'node' : url || '(native/gc/idle)';
}

const functions = new Map<string, number>();
const packages = new Map<string, number>();
/** Inclusive time of Chorus's own frames (any sample with the frame on its stack). */
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id);
  if (!node) {
    continue;
  }
  const { functionName, url, lineNumber } = node.callFrame;
  const key = `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`;
  functions.set(key, (functions.get(key) ?? 0) + us);
  packages.set(where(url), (packages.get(where(url)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)?.callFrame;
    if (!frame) {
      continue;
    }
    const w = where(frame.url);
    const k = `${frame.functionName || '(anonymous)'} ${w}:${frame.lineNumber + 1}`;
    if (!seen.has(k) && (w.startsWith('chorus:') || w.startsWith('@nestjs') || w === 'fastify' || w === 'pino')) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
}
const print = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
  }
};
process.stdout.write(`total ${(total / 1e6).toFixed(2)} s sampled\n`);
print('self time by package', packages);
print('self time by function', functions);
print('inclusive time (Chorus, Nest, Fastify, pino frames)', inclusive);
