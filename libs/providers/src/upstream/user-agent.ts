import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findPackageVersion(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 8; depth += 1) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
      if (parsed.name === 'chorus' && typeof parsed.version === 'string') {
        return parsed.version;
      }
    }
    dir = dirname(dir);
  }
  return '0.0.0';
}

let version: string | undefined;

/** `Chorus/<version> ( <contact> )`, the form MusicBrainz and LrcLib ask clients to send. */
export function chorusUserAgent(contact: string): string {
  version ??= findPackageVersion(__dirname);
  return `Chorus/${version} ( ${contact} )`;
}
