import { Injectable, RequestMethod, type OnModuleInit, type PipeTransform, type Type } from '@nestjs/common';
import {
  CUSTOM_ROUTE_ARGS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { createValidationPipe } from '../transport/validation.pipe';

/** What the cache needs to know about one GET route: the request DTO its handler validates, if any. */
interface RouteShape {
  dto?: Type;
}

/** The parts of a routed request a key is made of (Fastify's, after routing, before any Nest code runs). */
export interface RoutedRequest {
  /** The route template, e.g. `/v1/artists/:id`. */
  route: string;
  params: unknown;
  query: unknown;
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
}

/** Nest's own joining: each part without its slashes, joined by one, with one in front. */
function joinPath(prefix: string, path: string): string {
  const parts = [prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '');
  return `/${parts.join('/')}`;
}

function hasValidationRules(type: unknown): type is Type {
  return (
    typeof type === 'function' && getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0
  );
}

/** One JSON form per value: fields in name order. */
function canonical(route: string, fields: Record<string, unknown>): string {
  const names = Object.keys(fields).sort();
  return `${route}?${JSON.stringify(names.map((name) => [name, fields[name]]))}`;
}

/**
 * The HTTP cache's key of a request: its route and the request DTO exactly as the route's own validation gives it
 * (the global pipe, with the same options, on the same params + query the `@Input()` decorator merges), so
 * `limit=0005` and `limit=5` share one entry, a default written out or left implicit is the same question, and a
 * case variant shares an entry only where the DTO itself normalizes case. A request the validation refuses, or one
 * on a route whose handler reads anything else of the request, gets no key and is never kept.
 *
 * Routes and DTOs come from the controllers' own metadata, found at boot: a GET handler qualifies when every
 * argument is a custom decorator (`@Input()`, the caller) and at most one of them is a class with validation rules.
 */
@Injectable()
export class RequestKeys implements OnModuleInit {
  private readonly shapes = new Map<string, RouteShape>();
  private readonly pipe: PipeTransform = createValidationPipe();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const scanner = new MetadataScanner();
    for (const wrapper of this.discovery.getControllers()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype;
      if (!instance || !metatype) {
        continue;
      }
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      const prefixes = asList(Reflect.getMetadata(PATH_METADATA, metatype) ?? '/');
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name] as object;
        if (Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) {
          continue;
        }
        const shape = this.shapeOf(metatype as Type, prototype, name);
        for (const prefix of prefixes) {
          for (const path of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            if (shape) {
              this.shapes.set(joinPath(prefix, path), shape);
            }
          }
        }
      }
    }
  }

  /** The routes the cache may keep answers of, for the boot log and tests. */
  get routes(): string[] {
    return [...this.shapes.keys()];
  }

  knows(route: string | undefined): boolean {
    return route !== undefined && this.shapes.has(route);
  }

  /** The normalized key, or undefined when this request is never answered from (or kept in) the cache. */
  async keyOf(request: RoutedRequest): Promise<string | undefined> {
    const shape = this.shapes.get(request.route);
    if (!shape) {
      return undefined;
    }
    const query = asObject(request.query);
    if (!shape.dto) {
      // No DTO: nothing validates the query, so only the bare path is one question.
      return Object.keys(query).length === 0 && Object.keys(asObject(request.params)).length === 0
        ? request.route
        : undefined;
    }
    try {
      const dto: unknown = await this.pipe.transform(
        { ...query, ...asObject(request.params) },
        { type: 'custom', metatype: shape.dto, data: undefined },
      );
      return canonical(request.route, asObject(dto));
    } catch {
      // Refused: the app answers it (a 400 naming the field), and that answer is never kept.
      return undefined;
    }
  }

  private shapeOf(controller: Type, prototype: object, name: string): RouteShape | undefined {
    const args = Object.entries(
      (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number }>,
    );
    const types = (Reflect.getMetadata('design:paramtypes', prototype, name) ?? []) as unknown[];
    // Built-in argument decorators (@Req, @Query, @Headers…) read parts of the request a key would not cover.
    if (args.some(([key]) => !key.includes(CUSTOM_ROUTE_ARGS_METADATA)) || args.length !== types.length) {
      return undefined;
    }
    const dtos = types.filter(hasValidationRules);
    return dtos.length <= 1 ? { dto: dtos[0] } : undefined;
  }
}
