export * from './health.module';
export * from './transport/grpc-health.service';
export * from './health.settings';
export * from './application/health.metrics';
