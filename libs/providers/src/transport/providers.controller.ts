import { Controller, Get } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { ApiTags } from '@nestjs/swagger';
import { Equals, IsOptional } from 'class-validator';
import { Input } from '@app/core';
import { ProviderStatusService } from '../application/provider-status.service';
import type { GetServiceStatusResponse } from '../domain/provider-status.types';

/** The status request has no fields; any field sent is refused like on every other route. */
export class GetServiceStatusDto {
  @IsOptional()
  @Equals(undefined, { message: 'is not a field of this request' })
  readonly _?: undefined;
}

@ApiTags('providers')
@Controller()
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  /** Each provider's enabled flag, breaker state, limit, last success/error and recent latency. */
  @Get('/v1/providers')
  @GrpcMethod('ProviderService', 'GetServiceStatus')
  getServiceStatus(@Input() _dto: GetServiceStatusDto): GetServiceStatusResponse {
    return this.status.report();
  }
}
