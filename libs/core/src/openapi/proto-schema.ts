import { isAbsolute, join } from 'node:path';
import * as protobuf from 'protobufjs';
import { CHORUS_PACKAGE, chorusProtoFiles, PROTO_ROOT } from '@app/contracts';
import type { JsonSchema } from './openapi.types';

/** proto3 JSON mapping of the scalar types (64-bit integers are strings, bytes base64). */
const SCALARS: Record<string, JsonSchema> = {
  double: { type: 'number', format: 'double' },
  float: { type: 'number', format: 'float' },
  int32: { type: 'integer', format: 'int32' },
  sint32: { type: 'integer', format: 'int32' },
  sfixed32: { type: 'integer', format: 'int32' },
  uint32: { type: 'integer', format: 'int32', minimum: 0 },
  fixed32: { type: 'integer', format: 'int32', minimum: 0 },
  int64: { type: 'string', format: 'int64' },
  sint64: { type: 'string', format: 'int64' },
  sfixed64: { type: 'string', format: 'int64' },
  uint64: { type: 'string', format: 'int64' },
  fixed64: { type: 'string', format: 'int64' },
  bool: { type: 'boolean' },
  string: { type: 'string' },
  bytes: { type: 'string', contentEncoding: 'base64' },
};

function described(schema: JsonSchema, comment: string | null | undefined): JsonSchema {
  const text = comment?.trim();
  return text ? { ...schema, description: text } : schema;
}

/**
 * The chorus.v1 protos as JSON Schemas: REST answers the JSON form of the same messages gRPC sends, with the
 * field names proto-loader gives gRPC clients (camelCase, PROTO_LOADER_OPTIONS.keepCase false).
 */
export class ProtoContracts {
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly names = new Map<protobuf.Type, string>();

  private constructor(private readonly root: protobuf.Root) {}

  static load(files: string[] = chorusProtoFiles()): ProtoContracts {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(PROTO_ROOT, target));
    root.loadSync(files, { keepCase: false, alternateCommentMode: true });
    root.resolveAll();
    return new ProtoContracts(root);
  }

  private service(name: string): protobuf.Service | undefined {
    const found = this.root.lookup(`${CHORUS_PACKAGE}.${name}`);
    return found instanceof protobuf.Service ? found : undefined;
  }

  private method(service: string, method: string): protobuf.Method | undefined {
    return this.service(service)?.methods[method];
  }

  serviceComment(service: string): string | undefined {
    return this.service(service)?.comment?.trim() || undefined;
  }

  methodComment(service: string, method: string): string | undefined {
    return this.method(service, method)?.comment?.trim() || undefined;
  }

  /** The response message of an rpc; throws on a route naming an rpc the protos do not have. */
  responseType(service: string, method: string): protobuf.Type {
    const rpc = this.method(service, method);
    if (!rpc?.resolvedResponseType) {
      throw new Error(`No rpc ${CHORUS_PACKAGE}.${service}/${method} in the protos`);
    }
    return rpc.resolvedResponseType;
  }

  /** A `$ref` to the message's schema, adding it (and the messages it uses) to the components. */
  ref(type: protobuf.Type): JsonSchema {
    let name = this.names.get(type);
    if (!name) {
      const taken = [...this.names.values()].includes(type.name);
      name = taken ? type.fullName.replace(/^\./, '').replaceAll('.', '_') : type.name;
      this.names.set(type, name);
      this.schemas.set(name, {});
      this.schemas.set(name, this.messageSchema(type));
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  components(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas].sort(([a], [b]) => a.localeCompare(b)));
  }

  private messageSchema(type: protobuf.Type): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    for (const field of type.fieldsArray) {
      properties[field.name] = described(this.fieldSchema(field), field.comment);
    }
    const oneofs = type.oneofsArray.filter((oneof) => !oneof.name.startsWith('_'));
    const note = oneofs.map((oneof) => `At most one of ${oneof.fieldsArray.map((f) => f.name).join(', ')} is set.`);
    return described({ type: 'object', properties }, [type.comment, ...note].filter(Boolean).join(' '));
  }

  private fieldSchema(field: protobuf.Field): JsonSchema {
    field.resolve();
    const resolved = field.resolvedType;
    let item: JsonSchema;
    if (resolved instanceof protobuf.Type) {
      item = this.ref(resolved);
    } else if (resolved instanceof protobuf.Enum) {
      item = { type: 'string', enum: Object.keys(resolved.values) };
    } else {
      item = { ...(SCALARS[field.type] ?? {}) };
    }
    if (field instanceof protobuf.MapField) {
      return { type: 'object', additionalProperties: item };
    }
    return field.repeated ? { type: 'array', items: item } : item;
  }
}
