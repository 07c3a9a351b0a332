import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, Param, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

/**
 * Baseline: a bare Nest app on @nestjs/platform-fastify with one route, answering with the bytes and headers of
 * Chorus's warm artist answer. The handler returns the answer as an object, as any Nest controller does, so
 * Nest's router, execution context and Fastify's JSON serialization are in the baseline; what Chorus adds on
 * top (request context, validation, guards, interceptors, the read path's L1 lookup, metrics) is what the
 * "uncached warm lookup" row measures.
 */
const answer = JSON.parse(readFileSync(process.env.BENCH_BODY_FILE ?? '', 'utf8')) as Record<string, unknown>;
const headers = JSON.parse(readFileSync(process.env.BENCH_HEADERS_FILE ?? '', 'utf8')) as Record<string, string>;

@Controller('v1/artists')
class ArtistController {
  @Get(':id')
  get(@Param('id') _id: string, @Res({ passthrough: true }) reply: FastifyReply): Record<string, unknown> {
    void reply.headers(headers);
    return answer;
  }
}

@Module({ controllers: [ArtistController] })
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(BareModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`READY ${address.port}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
