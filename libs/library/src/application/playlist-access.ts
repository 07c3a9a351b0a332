import { DomainError } from '@app/core';
import type { PlaylistRepository } from '../persistence/playlist.repository';

/**
 * Why a change to a playlist the caller does not own failed: a playlist they can see (public) is
 * PERMISSION_DENIED; one they cannot see is NOT_FOUND, exactly like an id that never existed.
 */
export async function notOwned(playlists: PlaylistRepository, callerId: string, id: string): Promise<DomainError> {
  const visible = await playlists.findReadable(callerId, id);
  return visible ? DomainError.permissionDenied('Only the owner can change this playlist') : notFound();
}

export function notFound(): DomainError {
  return DomainError.notFound('No such playlist');
}
