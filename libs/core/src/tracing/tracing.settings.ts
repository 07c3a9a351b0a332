import { Type } from 'class-transformer';
import { IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { defineSettings } from '../config/settings';
import { BooleanSetting, OneOfSetting } from '../config/setting-decorators';

const URL_OR_EMPTY = { message: 'must be an http(s):// URL or empty' };

/**
 * The standard OpenTelemetry variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/),
 * so operators reuse what they set for their other services. Variables the exporter reads itself
 * (OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _CERTIFICATE ...) work as the SDK documents them.
 */
export class TracingSettings {
  /** true: no tracing at all, whatever else is set. */
  @BooleanSetting()
  OTEL_SDK_DISABLED = false;

  /**
   * Base URL of an OTLP/HTTP collector; spans go to <url>/v1/traces. Empty: tracing off. The signal-specific
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is not read: Chorus exports only traces, so one URL says it all, and the
   * settings stay within their cap of 80.
   */
  @Matches(/^(https?:\/\/.+)?$/, URL_OR_EMPTY)
  OTEL_EXPORTER_OTLP_ENDPOINT = '';

  /** OTLP encoding over HTTP; gRPC export is not built in. */
  @OneOfSetting(['http/protobuf', 'http/json'])
  OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';

  @IsString()
  OTEL_SERVICE_NAME = 'chorus';

  /** Extra resource attributes, `key=value,key2=value2` (values percent-encoded); service.name comes from OTEL_SERVICE_NAME. */
  @Matches(/^([^=,\s]+=[^,]*)?(,[^=,\s]+=[^,]*)*$/, { message: 'must be key=value pairs separated by commas' })
  OTEL_RESOURCE_ATTRIBUTES = '';

  /** Which new traces are kept; parentbased_* follow a caller's sampled traceparent. */
  @OneOfSetting([
    'always_on',
    'always_off',
    'traceidratio',
    'parentbased_always_on',
    'parentbased_always_off',
    'parentbased_traceidratio',
  ])
  OTEL_TRACES_SAMPLER = 'parentbased_always_on';

  /** The ratio (0..1) of the *traceidratio samplers. */
  @Type(() => Number)
  @IsNumber({}, { message: 'must be a number between 0 and 1' })
  @Min(0, { message: 'must be a number between 0 and 1' })
  @Max(1, { message: 'must be a number between 0 and 1' })
  OTEL_TRACES_SAMPLER_ARG = 1;
}

export const tracingSettings = defineSettings('tracing', TracingSettings);

/** Where spans go, or undefined when tracing is off. */
export function tracesEndpoint(settings: TracingSettings): string | undefined {
  if (settings.OTEL_SDK_DISABLED) {
    return undefined;
  }
  return settings.OTEL_EXPORTER_OTLP_ENDPOINT
    ? `${settings.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/$/, '')}/v1/traces`
    : undefined;
}

/** OTEL_RESOURCE_ATTRIBUTES as attributes (percent-decoded values, as the specification asks). */
export function resourceAttributes(settings: TracingSettings): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of settings.OTEL_RESOURCE_ATTRIBUTES.split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    const key = pair.slice(0, at).trim();
    try {
      attributes[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      attributes[key] = pair.slice(at + 1).trim();
    }
  }
  return attributes;
}
