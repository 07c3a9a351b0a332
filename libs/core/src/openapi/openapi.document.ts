import type { ModulesContainer } from '@nestjs/core';
import { dtoFields, type DtoField } from './dto-schema';
import { PROBLEM_STATUSES, problemComponents, problemResponse } from './problem-responses';
import { ProtoContracts } from './proto-schema';
import { scanRoutes, type RouteInfo } from './route-scan';
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiResponse,
  Reference,
  RouteAccessInfo,
  RouteAccessReader,
  SecurityRequirement,
} from './openapi.types';

export interface OpenApiOptions {
  title: string;
  version: string;
  description: string;
  /** Who may call each route; without it every route is documented as public. */
  routeAccess?: RouteAccessReader;
}

const API_OPERATION = 'swagger/apiOperation';
const API_RESPONSE = 'swagger/apiResponse';
const API_PRODUCES = 'swagger/apiProduces';
const API_TAGS = 'swagger/apiUseTags';
const BEARER = 'bearerAuth';
const JSON_MEDIA_TYPE = 'application/json';
const PUBLIC: RouteAccessInfo = { signIn: 'none', roles: [] };

interface DocumentedResponse {
  description?: string;
  schema?: JsonSchema;
}

function metadata<T>(key: string, route: RouteInfo): { method?: T; controller?: T } {
  return {
    method: Reflect.getMetadata(key, route.handler) as T | undefined,
    controller: Reflect.getMetadata(key, route.controller) as T | undefined,
  };
}

/**
 * Schemas from `@ApiResponse` decorators (Terminus' health answer among them) are written for OpenAPI 3.0:
 * `nullable: true` becomes a `null` type, as JSON Schema 2020-12 has no `nullable`.
 */
function toJsonSchema(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(toJsonSchema);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const { nullable, ...rest } = value as Record<string, unknown>;
  const schema = Object.fromEntries(Object.entries(rest).map(([key, child]) => [key, toJsonSchema(child)]));
  if (nullable === true && typeof schema.type === 'string') {
    schema.type = [schema.type, 'null'];
  }
  return schema;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The proto comment says the route and status first ("GET /v1/me (204)."): the document has those already. */
function withoutRoutePrefix(comment: string | undefined): string | undefined {
  const text = comment
    ?.replace(/^(GET|POST|PUT|PATCH|DELETE)\s.*?\.(\s+|$)/s, '')
    // The access sentence is added from the guard's metadata.
    .replace(/^(Authenticated|Admin only)[.;:]\s*/, '')
    // Comments are wrapped at the proto's line length; a description is one paragraph.
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : undefined;
}

function accessSentence(access: RouteAccessInfo): string {
  if (access.signIn === 'optional') {
    return 'Sign-in optional: a bearer access token, when sent, is checked and identifies the caller.';
  }
  if (access.signIn === 'required') {
    return access.roles.length > 0
      ? `Requires a bearer access token of an account with the role ${access.roles.join(' or ')}.`
      : 'Requires a bearer access token.';
  }
  return 'Public: no token needed.';
}

function securityOf(access: RouteAccessInfo): SecurityRequirement[] {
  switch (access.signIn) {
    case 'none':
      return [];
    case 'optional':
      return [{}, { [BEARER]: [] }];
    case 'required':
      return [{ [BEARER]: [] }];
  }
}

function parameterOf(field: DtoField, location: 'path' | 'query'): OpenApiParameter {
  const { description, example, ...schema } = field.schema;
  return {
    name: field.name,
    in: location,
    required: location === 'path' || field.required,
    ...(typeof description === 'string' ? { description } : {}),
    ...(example === undefined ? {} : { example }),
    schema,
  };
}

function bodySchema(fields: DtoField[]): JsonSchema {
  const required = fields.filter((field) => field.required).map((field) => field.name);
  return {
    type: 'object',
    // The validation pipe refuses fields it does not know.
    additionalProperties: false,
    properties: Object.fromEntries(fields.map((field) => [field.name, field.schema])),
    ...(required.length > 0 ? { required } : {}),
  };
}

/** Builds the document from the controllers' route, input and access metadata and the chorus.v1 protos. */
export class OpenApiDocumentBuilder {
  private readonly protos = ProtoContracts.load();
  private readonly bodies: Record<string, JsonSchema> = {};
  private readonly problemsUsed = new Set<number>();
  private readonly tagServices = new Map<string, string | undefined>();

  constructor(private readonly options: OpenApiOptions) {}

  build(modules: ModulesContainer): OpenApiDocument {
    const paths: OpenApiDocument['paths'] = {};
    const operationIds = new Set<string>();
    for (const route of scanRoutes(modules)) {
      const operation = this.operation(route);
      if (operationIds.has(operation.operationId)) {
        throw new Error(`Two routes have the operationId ${operation.operationId}`);
      }
      operationIds.add(operation.operationId);
      paths[route.path] = { ...paths[route.path], [route.httpMethod]: operation };
    }
    const problems = problemComponents(this.problemsUsed);
    return {
      openapi: '3.1.0',
      info: { title: this.options.title, version: this.options.version, description: this.options.description },
      servers: [{ url: '/', description: 'The Chorus serving this document' }],
      tags: [...this.tagServices].map(([name, service]) => ({
        name,
        description: (service && this.protos.serviceComment(service)) ?? `The ${name} routes.`,
      })),
      paths,
      components: {
        schemas: { ...this.protos.components(), ...this.bodies, ...problems.schemas },
        responses: problems.responses,
        headers: problems.headers,
        securitySchemes: {
          [BEARER]: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'The `accessToken` of POST /v1/auth/login, /v1/auth/register or /v1/auth/refresh',
          },
        },
      },
    };
  }

  private operation(route: RouteInfo): OpenApiOperation {
    const access = this.options.routeAccess?.(route.handler, route.controller) ?? PUBLIC;
    const operationId = route.rpc
      ? route.rpc.method.charAt(0).toLowerCase() + route.rpc.method.slice(1)
      : route.methodName;
    const documented = metadata<{ summary?: string; description?: string }>(API_OPERATION, route).method;
    const tags = metadata<string[]>(API_TAGS, route);
    const tag = tags.method?.[0] ?? tags.controller?.[0] ?? 'default';
    if (!this.tagServices.get(tag)) {
      this.tagServices.set(tag, route.rpc?.service);
    }
    const comment = route.rpc && withoutRoutePrefix(this.protos.methodComment(route.rpc.service, route.rpc.method));
    const summary = documented?.summary ?? humanize(operationId);
    const about = documented?.description ?? comment ?? summary;
    return {
      operationId,
      summary,
      description: `${/[.!?]$/.test(about) ? about : `${about}.`} ${accessSentence(access)}`,
      tags: [tag],
      security: securityOf(access),
      ...this.inputs(route, operationId),
      responses: this.responses(route, access),
    };
  }

  private inputs(route: RouteInfo, operationId: string): Pick<OpenApiOperation, 'parameters' | 'requestBody'> {
    const fields = route.input ? dtoFields(route.input.dto) : [];
    const byName = new Map(fields.map((field) => [field.name, field]));
    const parameters = route.pathParams.map((name) =>
      parameterOf(byName.get(name) ?? { name, required: true, schema: { type: 'string' } }, 'path'),
    );
    const others = fields.filter((field) => !route.pathParams.includes(field.name));
    if (route.input?.fieldsIn === 'query') {
      parameters.push(...others.map((field) => parameterOf(field, 'query')));
    }
    const result: Pick<OpenApiOperation, 'parameters' | 'requestBody'> = parameters.length > 0 ? { parameters } : {};
    if (route.input?.fieldsIn === 'body' && others.length > 0) {
      const name = `${pascal(operationId)}Body`;
      this.bodies[name] = bodySchema(others);
      result.requestBody = {
        required: others.some((field) => field.required),
        content: { [JSON_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${name}` } } },
      };
    }
    return result;
  }

  private responses(route: RouteInfo, access: RouteAccessInfo): Record<string, OpenApiResponse | Reference> {
    const documented = metadata<Record<string, DocumentedResponse>>(API_RESPONSE, route);
    const explicit = { ...documented.controller, ...documented.method };
    const responses: Record<string, OpenApiResponse | Reference> = {
      [route.successStatus]: this.success(route, explicit[route.successStatus]),
    };
    const statuses = new Set<number>([503]);
    if (route.input) {
      statuses.add(400);
    }
    if (access.signIn !== 'none') {
      statuses.add(401);
    }
    if (access.roles.length > 0) {
      statuses.add(403);
    }
    if (route.pathParams.length > 0) {
      statuses.add(404);
    }
    if (route.input?.fieldsIn === 'body') {
      statuses.add(413);
    }
    for (const status of Object.keys(explicit).map(Number)) {
      if (status >= 400) {
        statuses.add(status);
      }
    }
    for (const status of [...statuses].sort((a, b) => a - b)) {
      const description = explicit[status]?.description || undefined;
      if (description === undefined && PROBLEM_STATUSES[status]) {
        this.problemsUsed.add(status);
      }
      responses[status] = problemResponse(status, description);
    }
    return responses;
  }

  private success(route: RouteInfo, documented: DocumentedResponse | undefined): OpenApiResponse {
    const description = documented?.description || (route.successStatus === 204 ? 'Done; no content' : 'OK');
    if (route.successStatus === 204) {
      return { description };
    }
    const produces = metadata<string[]>(API_PRODUCES, route).method;
    if (produces && produces.length > 0) {
      const content = produces.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]);
      return { description, content: Object.fromEntries(content) as OpenApiResponse['content'] };
    }
    const schema =
      (documented?.schema && (toJsonSchema(documented.schema) as JsonSchema)) ??
      (route.rpc ? this.protos.ref(this.protos.responseType(route.rpc.service, route.rpc.method)) : { type: 'object' });
    return { description, content: { [JSON_MEDIA_TYPE]: { schema } } };
  }
}
