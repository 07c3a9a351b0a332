import type { Type } from '@nestjs/common';

/** The parts of an OpenAPI 3.1 document Chorus writes; schemas are JSON Schema 2020-12 objects. */
export type JsonSchema = Record<string, unknown>;

export interface Reference {
  $ref: string;
}

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description?: string;
  example?: unknown;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, Reference>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiRequestBody {
  required: boolean;
  content: Record<string, OpenApiMediaType>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: SecurityRequirement[];
  parameters?: OpenApiParameter[];
  requestBody?: OpenApiRequestBody;
  responses: Record<string, OpenApiResponse | Reference>;
}

export interface OpenApiTag {
  name: string;
  description: string;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string; description: string }>;
  tags: OpenApiTag[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, OpenApiResponse>;
    headers: Record<string, { description: string; schema: JsonSchema }>;
    securitySchemes: Record<string, Record<string, string>>;
  };
}

/** Who may call a route (the auth lib reads it from its guard's metadata; core does not know that lib). */
export interface RouteAccessInfo {
  signIn: 'none' | 'optional' | 'required';
  roles: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a route handler of any signature
export type RouteAccessReader = (handler: Function, controller: Type) => RouteAccessInfo;
