import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { defineSettings } from '../config/settings';

/** The standard OpenTelemetry variable names, so operators can reuse what they set for other services. */
export class TracingSettings {
  /** Base URL of an OTLP/HTTP collector (spans go to <url>/v1/traces). Empty: tracing is off and costs nothing. */
  @Matches(/^(https?:\/\/.+)?$/, { message: 'must be an http(s):// URL or empty' })
  OTEL_EXPORTER_OTLP_ENDPOINT = '';

  @IsString()
  OTEL_SERVICE_NAME = 'chorus';

  /** Share of new traces kept (0..1); a caller's sampled traceparent is always followed. */
  @Type(() => Number)
  @IsNumber({}, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  OTEL_TRACES_SAMPLER_ARG = 1;

  /** Milliseconds between span exports. */
  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 10 and 60000' })
  @Min(10, { message: 'must be an integer between 10 and 60000' })
  @Max(60_000, { message: 'must be an integer between 10 and 60000' })
  OTEL_BSP_SCHEDULE_DELAY = 5_000;
}

export const tracingSettings = defineSettings('tracing', TracingSettings);
