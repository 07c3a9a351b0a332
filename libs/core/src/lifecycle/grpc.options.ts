import type { Server } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { CHORUS_PACKAGE, chorusProtoFiles, PROTO_LOADER_OPTIONS } from '@app/contracts';
import type { GrpcSettings } from '../config/core.settings';
import { rpcCompletionInterceptor, type RpcCallObserver, type RpcCompletion } from '../transport/grpc-trailers';
import { acceptEncodedResponses } from '../transport/encoded-message';
import { tolerateMalformedRequests } from '../transport/malformed-request';

/** Something that adds its own service to the raw gRPC server (health, reflection). */
export interface GrpcServerAttachment {
  attach(pkg: PackageDefinition, server: Server): void;
}

/**
 * The gRPC side of the hybrid app. The health proto is loaded (for reflection and the health service) but not
 * listed in `package`, so Nest does not try to bind handlers for it.
 */
export function buildGrpcOptions(
  settings: GrpcSettings,
  attachments: GrpcServerAttachment[],
  onCompleted?: (completion: RpcCompletion) => void,
  observe?: RpcCallObserver,
): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      url: `${settings.GRPC_HOST}:${settings.GRPC_PORT}`,
      package: [CHORUS_PACKAGE],
      protoPath: [...chorusProtoFiles(), healthProtoPath],
      loader: PROTO_LOADER_OPTIONS,
      maxReceiveMessageLength: settings.GRPC_MAX_MESSAGE_BYTES,
      maxSendMessageLength: settings.GRPC_MAX_MESSAGE_BYTES,
      gracefulShutdown: true,
      // grpc-js reads server interceptors from the options Nest passes through from channelOptions.
      channelOptions: { interceptors: [rpcCompletionInterceptor(onCompleted, observe)] },
      onLoadPackageDefinition: (pkg: PackageDefinition, server: Server) => {
        tolerateMalformedRequests(pkg, CHORUS_PACKAGE);
        acceptEncodedResponses(pkg, CHORUS_PACKAGE);
        for (const attachment of attachments) {
          attachment.attach(pkg, server);
        }
        if (settings.GRPC_REFLECTION_ENABLED) {
          new ReflectionService(pkg).addToServer(server);
        }
      },
    },
  };
}
