import { SettingsError } from '../config/settings';
import { startTracing } from './tracing';

/**
 * Imported first by @app/core's index (before anything that loads http, grpc-js or pg), so that importing
 * Chorus's core is enough to trace the whole process when an OTLP endpoint is set. A bad setting
 * is left for `validateAllSettings()` to report as the one boot error line.
 */
try {
  startTracing();
} catch (error) {
  if (!(error instanceof SettingsError)) {
    throw error;
  }
}
