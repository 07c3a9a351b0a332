import type { Server } from '@grpc/grpc-js';
import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { CHORUS_PACKAGE, chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import type { GrpcSettings } from '../../config/core.settings';
import { withAnswerBytesOnce } from './answer-bytes';
import { grpcEdgeInterceptor, type GrpcEdgeOptions } from './grpc-edge';
import { withMalformedRequestMarkers } from './malformed-request';
import { withDeclaredDependencies } from './reflection-descriptors';

/** Something that adds its own service to the raw gRPC server (health, reflection). */
export interface GrpcServerAttachment {
  attach(pkg: PackageDefinition, server: Server): void;
}

/**
 * The gRPC side of the hybrid app, in one constant-like builder. The health proto is loaded (for reflection and
 * the health service) but not listed in `package`, so Nest does not try to bind handlers for it.
 */
export function buildGrpcOptions(
  settings: GrpcSettings,
  attachments: GrpcServerAttachment[],
  edge: GrpcEdgeOptions,
): GrpcOptions {
  const packageDefinition = withAnswerBytesOnce(
    withMalformedRequestMarkers(
      loadSync([...chorusProtoFiles(), healthProtoPath], PROTO_LOADER_OPTIONS),
      CHORUS_PACKAGE,
    ),
    CHORUS_PACKAGE,
  );
  return {
    transport: Transport.GRPC,
    options: {
      url: `${settings.GRPC_HOST}:${settings.GRPC_PORT}`,
      package: [CHORUS_PACKAGE],
      packageDefinition,
      maxReceiveMessageLength: settings.GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: settings.GRPC_MAX_MESSAGE_BYTES,
      gracefulShutdown: true,
      // grpc-js reads server interceptors from the options Nest passes through from channelOptions.
      channelOptions: { interceptors: [grpcEdgeInterceptor(edge)] },
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Server) => {
        for (const attachment of attachments) {
          attachment.attach(pkg, server);
        }
        if (settings.GRPC_REFLECTION_ENABLED) {
          new ReflectionService(withDeclaredDependencies(pkg)).addToServer(server);
        }
      },
    },
  };
}
