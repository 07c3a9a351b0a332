import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, utimes, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { databaseSettings, type DatabaseSettings } from '@app/core';
import { catalogSettings, type CatalogSettings } from '../catalog.settings';

/** One kept image: file `<key>.<sha256>.<subtype>` under DATA_DIR/covers. */
export interface CoverEntry {
  /** What the image is kept under: a hash of its source URL. */
  key: string;
  /** sha256 of the bytes, hex: the file name's middle and the ETag. */
  hash: string;
  contentType: string;
  size: number;
  path: string;
}

/** An entry opened for reading: the handle keeps the bytes readable even if the file is evicted meanwhile. */
export interface OpenCover extends CoverEntry {
  handle: FileHandle;
}

const FILE_NAME = /^([0-9a-f]{32})\.([0-9a-f]{64})\.([a-z0-9.+-]{1,40})$/;
const TEMP_PREFIX = '.tmp-';

/** `image/jpeg` → `jpeg`; undefined for anything that is not a plain image type. */
export function imageSubtype(contentType: string): string | undefined {
  const match = /^image\/([a-z0-9.+-]{1,40})$/.exec(contentType.split(';')[0]?.trim().toLowerCase() ?? '');
  return match?.[1];
}

/**
 * Cover images as files under DATA_DIR/covers with a byte budget, least recently used evicted first. The index
 * lives in memory (a Map in use order) and is rebuilt at boot from the file names, oldest modification first;
 * a hit touches the file so that order survives a restart. Files are written to a temporary name and renamed,
 * so a reader (or another replica sharing the folder) never sees half an image.
 */
@Injectable()
export class CoverFileStore implements OnModuleInit {
  readonly dir: string;
  private readonly entries = new Map<string, CoverEntry>();
  private bytes = 0;

  constructor(
    @Inject(databaseSettings.KEY) database: DatabaseSettings,
    @Inject(catalogSettings.KEY) private readonly settings: CatalogSettings,
  ) {
    this.dir = resolve(database.DATA_DIR, 'covers');
  }

  get usedBytes(): number {
    return this.bytes;
  }

  get count(): number {
    return this.entries.size;
  }

  async onModuleInit(): Promise<void> {
    await this.rebuild();
  }

  /** Reads the folder: every well-named file becomes an entry, leftovers of interrupted downloads are removed. */
  async rebuild(): Promise<void> {
    this.entries.clear();
    this.bytes = 0;
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: { entry: CoverEntry; mtimeMs: number }[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if (name.startsWith(TEMP_PREFIX)) {
        await rm(path, { force: true });
        continue;
      }
      const match = FILE_NAME.exec(name);
      const info = match ? await stat(path).catch(() => undefined) : undefined;
      if (match && info?.isFile()) {
        const [, key, hash, subtype] = match as unknown as [string, string, string, string];
        found.push({
          entry: { key, hash, contentType: `image/${subtype}`, size: info.size, path },
          mtimeMs: info.mtimeMs,
        });
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { entry } of found) {
      this.index(entry);
    }
    await this.evict();
  }

  /** The entry kept under `key`, marked as just used. */
  get(key: string): CoverEntry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      const now = new Date();
      void utimes(entry.path, now, now).catch(() => undefined);
    }
    return entry;
  }

  /** Opens an entry's file; undefined (and forgotten) when it is gone, e.g. evicted by a replica sharing it. */
  async open(entry: CoverEntry): Promise<OpenCover | undefined> {
    try {
      return { ...entry, handle: await open(entry.path, 'r') };
    } catch {
      this.forget(entry.key);
      return undefined;
    }
  }

  /** A fresh temporary path in the folder (same file system, so `commit` is an atomic rename). */
  async tempPath(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return join(this.dir, `${TEMP_PREFIX}${randomUUID()}`);
  }

  async discard(tempPath: string): Promise<void> {
    await rm(tempPath, { force: true });
  }

  /** Moves a finished download into place under its key and hash, then evicts down to the budget. */
  async commit(key: string, tempPath: string, hash: string, contentType: string, size: number): Promise<CoverEntry> {
    const subtype = imageSubtype(contentType) ?? 'octet-stream';
    const path = join(this.dir, `${key}.${hash}.${subtype}`);
    await rename(tempPath, path);
    const previous = this.entries.get(key);
    if (previous && previous.path !== path) {
      this.forget(key);
      await rm(previous.path, { force: true });
    }
    const entry: CoverEntry = { key, hash, contentType: `image/${subtype}`, size, path };
    this.forget(key);
    this.index(entry);
    await this.evict(key);
    return entry;
  }

  private index(entry: CoverEntry): void {
    this.entries.set(entry.key, entry);
    this.bytes += entry.size;
  }

  private forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.bytes -= entry.size;
    }
  }

  /** Least recently used first, never `keep` (the image about to be served). */
  private async evict(keep?: string): Promise<void> {
    const budget = this.settings.CATALOG_COVER_CACHE_MAX_BYTES;
    const victims: CoverEntry[] = [];
    for (const entry of this.entries.values()) {
      if (this.bytes <= budget) {
        break;
      }
      if (entry.key !== keep) {
        victims.push(entry);
        this.bytes -= entry.size;
      }
    }
    for (const victim of victims) {
      this.entries.delete(victim.key);
    }
    // An open handle keeps serving an evicted image to the request that holds it (POSIX unlink semantics).
    await Promise.all(victims.map((victim) => rm(victim.path, { force: true })));
  }
}
