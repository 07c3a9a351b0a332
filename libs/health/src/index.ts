export * from './health.module';
export * from './grpc-health.service';
export * from './health.settings';
