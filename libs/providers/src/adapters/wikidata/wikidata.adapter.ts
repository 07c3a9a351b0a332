import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/core';
import { HttpClient } from '../../upstream/http.client';
import { ProviderRegistry } from '../../application/provider.registry';
import type { Image } from '../../domain/music.model';
import { commonsImages, imageFileOf } from './wikidata.mapper';

const ITEM_ID = /^Q[1-9][0-9]{0,11}$/;

/**
 * Wikidata entities (`Special:EntityData/<Q>.json`) for what MusicBrainz links there: an item's image (P18), a
 * file on Wikimedia Commons, served at a few widths through Commons' `Special:FilePath`. Sent with the
 * User-Agent every provider gets (`Chorus/<version> ( <contact> )`), which Wikimedia's policy asks for.
 */
@Injectable()
export class WikidataAdapter {
  constructor(
    private readonly http: HttpClient,
    private readonly registry: ProviderRegistry,
  ) {}

  /** The item's image at the cover proxy's sizes; none when it has no P18. */
  async itemImages(itemId: string): Promise<Image[]> {
    const id = itemId
      .trim()
      .replace(/^wikidata:/, '')
      .toUpperCase();
    if (!ITEM_ID.test(id)) {
      throw DomainError.invalid('id', 'must be a Wikidata item id (Q and digits)');
    }
    const file = await this.http.request('wikidata', {
      path: `/wiki/Special:EntityData/${id}.json`,
      parse: (json) => imageFileOf(json, id),
    });
    return file === undefined ? [] : commonsImages(this.registry.commonsBaseUrl, file);
  }
}
