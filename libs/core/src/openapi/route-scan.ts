import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { ModulesContainer } from '@nestjs/core';
import { readInputBinding, type InputFieldsIn } from '../transport/input.decorator';

/** One REST route as Nest registers it, with what the document needs to describe it. */
export interface RouteInfo {
  controller: Type;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a route handler of any signature
  handler: Function;
  methodName: string;
  httpMethod: string;
  /** OpenAPI form: `/v1/artists/{id}`. */
  path: string;
  pathParams: string[];
  successStatus: number;
  input?: { dto: Type; fieldsIn: InputFieldsIn };
  rpc?: { service: string; method: string };
}

const PATTERN_METADATA = 'microservices:pattern';
const EXCLUDE_ENDPOINT = 'swagger/apiExcludeEndpoint';
const EXCLUDE_CONTROLLER = 'swagger/apiExcludeController';

const PATH_PARAM = /(?<!:):([A-Za-z0-9_]+)/g;

function joinPath(...parts: unknown[]): string {
  const segments = parts
    .filter((part): part is string => typeof part === 'string')
    .flatMap((part) => part.split('/'))
    .filter((segment) => segment !== '');
  return `/${segments.join('/')}`;
}

function rpcOf(handler: object): RouteInfo['rpc'] {
  const patterns = Reflect.getMetadata(PATTERN_METADATA, handler) as unknown[] | undefined;
  const grpc = patterns?.find(
    (pattern): pattern is { service: string; rpc: string } =>
      typeof pattern === 'object' && pattern !== null && 'service' in pattern && 'rpc' in pattern,
  );
  return grpc ? { service: grpc.service, method: grpc.rpc } : undefined;
}

function inputOf(controller: Type, methodName: string, httpMethod: string): RouteInfo['input'] {
  const prototype = controller.prototype as object;
  const binding = readInputBinding(prototype, methodName);
  if (!binding) {
    return undefined;
  }
  const types = Reflect.getMetadata('design:paramtypes', prototype, methodName) as Type[] | undefined;
  const dto = types?.[binding.index];
  if (!dto) {
    return undefined;
  }
  return { dto, fieldsIn: binding.fieldsIn ?? (['get', 'delete', 'head'].includes(httpMethod) ? 'query' : 'body') };
}

function routesOf(controller: Type): RouteInfo[] {
  if (Reflect.getMetadata(EXCLUDE_CONTROLLER, controller) !== undefined) {
    return [];
  }
  const prototype = controller.prototype as Record<string, unknown>;
  const routes: RouteInfo[] = [];
  for (const methodName of Object.getOwnPropertyNames(prototype)) {
    const handler = Object.getOwnPropertyDescriptor(prototype, methodName)?.value as unknown;
    if (typeof handler !== 'function' || methodName === 'constructor') {
      continue;
    }
    const routePath = Reflect.getMetadata(PATH_METADATA, handler) as unknown;
    const requestMethod = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (routePath === undefined || requestMethod === undefined || Reflect.getMetadata(EXCLUDE_ENDPOINT, handler)) {
      continue;
    }
    const httpMethod = RequestMethod[requestMethod].toLowerCase();
    const nestPath = joinPath(Reflect.getMetadata(PATH_METADATA, controller), routePath);
    // `::` is Fastify's escaped literal colon (`/v1/tracks::batchGet` serves `/v1/tracks:batchGet`).
    const pathParams = [...nestPath.matchAll(PATH_PARAM)].map((match) => match[1]);
    const httpCode = Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined;
    routes.push({
      controller,
      handler,
      methodName,
      httpMethod,
      path: nestPath.replace(PATH_PARAM, '{$1}').replaceAll('::', ':'),
      pathParams,
      successStatus: httpCode ?? (httpMethod === 'post' ? 201 : 200),
      input: inputOf(controller, methodName, httpMethod),
      rpc: rpcOf(handler),
    });
  }
  return routes;
}

/** Every REST route of the app's controllers, in module order. */
export function scanRoutes(modules: ModulesContainer): RouteInfo[] {
  const controllers = new Set<Type>();
  for (const module of modules.values()) {
    for (const wrapper of module.controllers.values()) {
      if (wrapper.metatype) {
        controllers.add(wrapper.metatype as Type);
      }
    }
  }
  return [...controllers].flatMap(routesOf);
}
