import type { PackageDefinition } from '@grpc/proto-loader';
import {
  FileDescriptorProto,
  type IDescriptorProto,
  type IEnumDescriptorProto,
  type IFieldDescriptorProto,
  type IFileDescriptorProto,
} from 'protobufjs/ext/descriptor';

type Definition = PackageDefinition[string];

/** Message and enum definitions carry their file descriptors; service definitions are maps of methods. */
function descriptorsOf(definition: Definition): Buffer[] {
  return 'fileDescriptorProtos' in definition && Array.isArray(definition.fileDescriptorProtos)
    ? definition.fileDescriptorProtos
    : [];
}

/** Fully qualified names (leading dot, as descriptors reference them) of the types a file defines. */
function definedTypes(file: IFileDescriptorProto): string[] {
  const scope = file.package ? `.${file.package}` : '';
  const ofMessage = (message: IDescriptorProto, outer: string): string[] => {
    const name = `${outer}.${message.name ?? ''}`;
    return [
      name,
      ...(message.enumType ?? []).map((item: IEnumDescriptorProto) => `${name}.${item.name ?? ''}`),
      ...(message.nestedType ?? []).flatMap((nested) => ofMessage(nested, name)),
    ];
  };
  return [
    ...(file.messageType ?? []).flatMap((message) => ofMessage(message, scope)),
    ...(file.enumType ?? []).map((item) => `${scope}.${item.name ?? ''}`),
  ];
}

/** The type names a file's fields and methods refer to. */
function referencedTypes(file: IFileDescriptorProto): string[] {
  const ofMessage = (message: IDescriptorProto): string[] => [
    ...(message.field ?? []).map((field) => field.typeName ?? ''),
    ...(message.nestedType ?? []).flatMap(ofMessage),
  ];
  const ofServices = (file.service ?? []).flatMap((service) =>
    (service.method ?? []).flatMap((method) => [method.inputType ?? '', method.outputType ?? '']),
  );
  return [...(file.messageType ?? []).flatMap(ofMessage), ...ofServices].filter((name) => name !== '');
}

/**
 * The file defining a referenced type. proto-loader keeps names as the .proto wrote them: `.chorus.v1.Track`
 * is absolute, `google.protobuf.FieldMask` relative, looked up from the file's package outwards as protoc does.
 * Empty when not found (a type nested in the same file).
 */
function resolve(fileOf: ReadonlyMap<string, string>, pkg: string, type: string): string {
  if (type.startsWith('.')) {
    return fileOf.get(type) ?? '';
  }
  const scopes = pkg.split('.').filter((part) => part !== '');
  for (let depth = scopes.length; depth >= 0; depth -= 1) {
    const prefix = scopes.slice(0, depth).join('.');
    const found = fileOf.get(prefix ? `.${prefix}.${type}` : `.${type}`);
    if (found !== undefined) {
      return found;
    }
  }
  return '';
}

/** protoc's name for the entry type of a map field: `statuses` → `StatusesEntry`, `by_key` → `ByKeyEntry`. */
function mapEntryName(fieldName: string): string {
  let name = '';
  let upperNext = true;
  for (const char of fieldName) {
    if (char === '_') {
      upperNext = true;
    } else {
      name += upperNext ? char.toUpperCase() : char;
      upperNext = false;
    }
  }
  return `${name}Entry`;
}

/**
 * protobufjs names a map field's entry type after the field (`Statuses`) where protoc, and every descriptor
 * validator, wants `StatusesEntry`; a client that checks (Go's protodesc, so `buf curl`) rejects the whole file,
 * which is how `grpc.health.v1.Health` (its `List` answers a map) went missing from reflection. This renames each
 * map entry and points its field at the new name, absolutely.
 */
function withMapEntryNames(message: IDescriptorProto, outer: string): IDescriptorProto {
  const name = `${outer}.${message.name ?? ''}`;
  const renamed = new Map<string, string>();
  const fields = (message.field ?? []).map((field: IFieldDescriptorProto) => {
    const entry = (message.nestedType ?? []).find(
      (nested) =>
        nested.options?.mapEntry === true &&
        (field.typeName === nested.name || field.typeName === `${name}.${nested.name ?? ''}`),
    );
    if (!entry?.name || !field.name) {
      return field;
    }
    const entryName = mapEntryName(field.name);
    renamed.set(entry.name, entryName);
    return { ...field, typeName: `${name}.${entryName}` };
  });
  const nestedType = (message.nestedType ?? []).map((nested) =>
    withMapEntryNames({ ...nested, name: renamed.get(nested.name ?? '') ?? nested.name }, name),
  );
  return { ...message, field: fields, nestedType };
}

/**
 * proto-loader builds one synthetic file descriptor per package (`chorus_v1.proto`, `google_protobuf.proto`) and
 * leaves each file's `dependency` list empty. @grpc/reflection serves them as they are, and a client that builds
 * a schema from them (`buf curl`, grpcurl) rejects a file naming a type of another file it does not import: once
 * chorus.v1 uses google.protobuf.FieldMask, no chorus.v1 service resolves. This copy of the package definition
 * (proto-loader's objects are not touched) declares each file's imports from the types it refers to, and gives map
 * entries protoc's names (see withMapEntryNames); it is what reflection serves, nothing else reads it.
 */
export function withDeclaredDependencies(pkg: PackageDefinition): PackageDefinition {
  const decoded = new Map<Buffer, IFileDescriptorProto>();
  for (const definition of Object.values(pkg)) {
    for (const bytes of descriptorsOf(definition)) {
      decoded.set(bytes, FileDescriptorProto.decode(bytes) as IFileDescriptorProto);
    }
  }
  const fileOf = new Map<string, string>();
  for (const file of decoded.values()) {
    for (const type of definedTypes(file)) {
      fileOf.set(type, file.name ?? '');
    }
  }
  const rewritten = new Map<Buffer, Buffer>();
  for (const [bytes, file] of decoded) {
    const imports = new Set(referencedTypes(file).map((type) => resolve(fileOf, file.package ?? '', type)));
    imports.delete('');
    imports.delete(file.name ?? '');
    const scope = file.package ? `.${file.package}` : '';
    const withImports = {
      ...file,
      dependency: [...imports].sort(),
      messageType: (file.messageType ?? []).map((message) => withMapEntryNames(message, scope)),
    };
    rewritten.set(bytes, Buffer.from(FileDescriptorProto.encode(FileDescriptorProto.fromObject(withImports)).finish()));
  }
  const out: PackageDefinition = {};
  for (const [name, definition] of Object.entries(pkg)) {
    const files = descriptorsOf(definition);
    out[name] =
      files.length > 0
        ? ({ ...definition, fileDescriptorProtos: files.map((bytes) => rewritten.get(bytes) ?? bytes) } as Definition)
        : definition;
  }
  return out;
}
