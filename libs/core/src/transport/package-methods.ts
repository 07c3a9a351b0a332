import type { MethodDefinition, PackageDefinition } from '@grpc/proto-loader';

/** The methods of every service in `packageName` (message and enum definitions are skipped). */
export function packageMethods(pkg: PackageDefinition, packageName: string): Array<MethodDefinition<object, object>> {
  return Object.entries(pkg)
    .filter(([name, definition]) => name.startsWith(`${packageName}.`) && !('format' in definition))
    .flatMap(([, service]) => Object.values(service as Record<string, MethodDefinition<object, object>>));
}
