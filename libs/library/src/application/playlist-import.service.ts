import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, type Caller } from '@app/core';
import { parseMusicUrl } from '@app/catalog';
import { DeezerAdapter, SpotifyAdapter, type Playlist, type Track } from '@app/providers';
import type { ImportView, UnresolvedTrackView } from '../domain/library.views';
import { artistLine, type Snapshot } from '../domain/track-snapshot';
import { librarySettings, type LibrarySettings } from '../library.settings';
import { PlaylistEditorRepository } from '../persistence/playlist-editor.repository';
import { CatalogSnapshotService } from './catalog-snapshot.service';
import { CATALOG_LOOKUP_CONCURRENCY, mapLimit } from './map-limit';
import { PlaylistTracksService } from './playlist-tracks.service';

const NAME_MAX = 200;
const DESCRIPTION_MAX = 2_000;
/** Errors that say "this one track cannot be resolved"; anything else (a provider outage) fails the import. */
const TRACK_LEVEL = new Set<ErrorCode>([ErrorCode.NOT_FOUND, ErrorCode.INVALID_ARGUMENT]);

type Resolution = { track: Snapshot } | { unresolved: UnresolvedTrackView };

/** A Deezer or Spotify playlist copied into a new private playlist, each track resolved through the catalog. */
@Injectable()
export class PlaylistImportService {
  constructor(
    private readonly deezer: DeezerAdapter,
    private readonly spotify: SpotifyAdapter,
    private readonly catalog: CatalogSnapshotService,
    private readonly editors: PlaylistEditorRepository,
    private readonly tracks: PlaylistTracksService,
    @Inject(librarySettings.KEY) private readonly settings: LibrarySettings,
  ) {}

  async import(caller: Caller, url: string): Promise<ImportView> {
    const source = await this.fetch(url);
    const resolutions = await mapLimit(source.tracks, CATALOG_LOOKUP_CONCURRENCY, (track) => this.resolve(track));
    const resolved = resolutions.flatMap((r) => ('track' in r ? [r.track] : []));
    const unresolved = [
      ...resolutions.flatMap((r) => ('unresolved' in r ? [r.unresolved] : [])),
      ...source.unavailable.map((entry) => ({
        sourceId: '',
        title: entry.title,
        artistLine: '',
        reason: entry.reason,
      })),
      ...this.skipped(source),
    ];
    const playlist = await this.editors.createWith(
      caller.id,
      {
        name: source.name.slice(0, NAME_MAX) || 'Imported playlist',
        description: (source.description ?? '').slice(0, DESCRIPTION_MAX),
        isPublic: false,
        sourceUrl: url.trim(),
      },
      (editor) => this.tracks.insert(editor, resolved),
    );
    return { playlist, imported: resolved.length, unresolved };
  }

  private fetch(url: string): Promise<Playlist> {
    const parsed = parseMusicUrl(url);
    if (parsed.kind !== 'playlist') {
      throw DomainError.invalid('url', 'must be a Deezer or Spotify playlist URL');
    }
    const max = this.settings.LIBRARY_IMPORT_MAX_TRACKS;
    switch (parsed.provider) {
      case 'deezer':
        return this.deezer.getPlaylist(parsed.nativeId, max);
      case 'spotify':
        if (!this.spotify.enabled) {
          throw DomainError.invalid('url', 'spotify is not enabled on this server');
        }
        return this.spotify.getPlaylist(parsed.nativeId, max);
      case 'itunes':
      case 'musicbrainz':
        throw DomainError.invalid('url', 'must be a Deezer or Spotify playlist URL');
    }
  }

  private async resolve(track: Track): Promise<Resolution> {
    try {
      return { track: await this.catalog.track(track.id) };
    } catch (error) {
      if (error instanceof DomainError && TRACK_LEVEL.has(error.code)) {
        const reason = error.code === ErrorCode.NOT_FOUND ? 'not found in the catalog' : 'not a catalog id';
        return {
          unresolved: { sourceId: track.id, title: track.title, artistLine: artistLine(track.artistCredit), reason },
        };
      }
      throw error;
    }
  }

  /** Entries past LIBRARY_IMPORT_MAX_TRACKS are reported as one line rather than dropped without a word. */
  private skipped(source: Playlist): UnresolvedTrackView[] {
    const read = source.tracks.length + source.unavailable.length;
    const rest = source.total - read;
    return rest > 0
      ? [{ sourceId: '', title: '', artistLine: '', reason: `${rest} more entries over the import limit` }]
      : [];
  }
}
