import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { PAGE_LIMIT_DEFAULT, PageLimit, PageOffset } from '@app/core';

/** Spotify's playlists hold at most 10 000 entries, Deezer's fewer: no page starts deeper. */
export const EXTERNAL_PLAYLIST_OFFSET_MAX = 10_000;

export class ListExternalPlaylistTracksDto {
  @ApiProperty({
    description: 'The playlist: deezer:<digits> or spotify:<22 base62 chars> (as /v1/resolve answers it)',
    example: 'deezer:908622995',
  })
  @IsString()
  @Length(1, 100)
  id!: string;

  @PageLimit()
  limit: number = PAGE_LIMIT_DEFAULT;

  @PageOffset(EXTERNAL_PLAYLIST_OFFSET_MAX, `Entries to skip, 0 to ${EXTERNAL_PLAYLIST_OFFSET_MAX}`)
  offset: number = 0;
}
