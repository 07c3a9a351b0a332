import { readFileSync } from 'node:fs';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { catalogService } from '../grpc';

/** Baseline: a bare grpc-js server answering GetArtist with the same message Chorus answers, from memory. */
const message = JSON.parse(readFileSync(process.env.BENCH_MESSAGE_FILE ?? '', 'utf8')) as Record<string, unknown>;
const server = new Server();
server.addService(catalogService().service, {
  GetArtist: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => callback(null, message),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    throw error;
  }
  process.stdout.write(`READY ${port}\n`);
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
