import { Module } from '@nestjs/common';
import { AuthModule, readRouteAccess } from '@app/auth';
import { CatalogModule } from '@app/catalog';
import { CoreModule, type ChorusAppOptions } from '@app/core';
import { GrpcHealthService, HealthModule } from '@app/health';
import { LibraryModule } from '@app/library';
import { MIGRATIONS } from '../../../migrations';

@Module({
  imports: [CoreModule.forRoot({ migrations: MIGRATIONS }), HealthModule, AuthModule, CatalogModule, LibraryModule],
})
export class AppModule {}

/**
 * How main.ts (and the e2e tests, which boot the same app) wire the gRPC server's extra services and the OpenAPI
 * document's route access.
 */
export const APP_OPTIONS: ChorusAppOptions = { grpcAttachments: [GrpcHealthService], routeAccess: readRouteAccess };
