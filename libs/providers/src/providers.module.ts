import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CoverArtArchiveAdapter } from './adapters/coverartarchive/coverartarchive.adapter';
import { DeezerAdapter } from './adapters/deezer/deezer.adapter';
import { GeniusAdapter } from './adapters/genius/genius.adapter';
import { ItunesAdapter } from './adapters/itunes/itunes.adapter';
import { LrcLibAdapter } from './adapters/lrclib/lrclib.adapter';
import { MusicBrainzAdapter } from './adapters/musicbrainz/musicbrainz.adapter';
import { SpotifyTokenService } from './adapters/spotify/spotify-token.service';
import { SpotifyAdapter } from './adapters/spotify/spotify.adapter';
import { WikidataAdapter } from './adapters/wikidata/wikidata.adapter';
import { HttpClient } from './upstream/http.client';
import { ImageClient } from './upstream/image.client';
import { UpstreamTransport } from './upstream/upstream.transport';
import { ProviderRateLimiter } from './upstream/provider-rate.limiter';
import { CallerBudget } from './upstream/caller-budget';
import { providersSettings } from './providers.settings';
import { ProviderRegistry } from './application/provider.registry';
import { ProviderPolicies } from './upstream/provider-policies';
import { ProviderMetrics } from './upstream/provider.metrics';
import { ProviderStatusService } from './application/provider-status.service';
import { ProvidersController } from './transport/providers.controller';

const ADAPTERS = [
  MusicBrainzAdapter,
  CoverArtArchiveAdapter,
  LrcLibAdapter,
  DeezerAdapter,
  ItunesAdapter,
  SpotifyAdapter,
  GeniusAdapter,
  WikidataAdapter,
];

/** The provider gateway. Needs the global RedisConnection (from CoreModule) for shared rate limits. */
@Module({
  imports: [ConfigModule.forFeature(providersSettings)],
  controllers: [ProvidersController],
  providers: [
    ProviderRegistry,
    ProviderMetrics,
    ProviderPolicies,
    ProviderRateLimiter,
    CallerBudget,
    UpstreamTransport,
    ProviderStatusService,
    HttpClient,
    ImageClient,
    SpotifyTokenService,
    ...ADAPTERS,
  ],
  exports: [...ADAPTERS, ProviderStatusService, ProviderRegistry, ImageClient],
})
export class ProvidersModule {}
