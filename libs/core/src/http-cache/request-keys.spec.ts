import { Controller, Get, Headers, type Type } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { Transform, Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Input } from '../transport/input.decorator';
import { RequestKeys } from './request-keys';

class PagedIdDto {
  @IsString()
  @Length(1, 100)
  id!: string;

  @TransformType(() => Number)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 25;
}

/** A DTO that normalizes case itself: only then do case variants share an entry. */
class CodeDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @IsString()
  code!: string;
}

@Controller('v1')
class SampleController {
  @Get('things/:id')
  things(@Input() dto: PagedIdDto) {
    return dto;
  }

  @Get('/codes/:code')
  code(@Input() dto: CodeDto) {
    return dto;
  }

  @Get('status')
  status() {
    return 'ok';
  }

  @Get('raw')
  raw(@Headers('x-thing') thing: string) {
    return thing;
  }
}

function makeSut(...controllers: Type[]): RequestKeys {
  const discovery = {
    getControllers: () => controllers.map((metatype) => ({ metatype, instance: new metatype() })),
  } as unknown as DiscoveryService;
  const sut = new RequestKeys(discovery);
  sut.onModuleInit();
  return sut;
}

describe(RequestKeys.name, () => {
  const sut = makeSut(SampleController);

  it('should find the GET routes and their DTOs from the controllers’ metadata', () => {
    expect(sut.routes.sort()).toEqual(['/v1/codes/:code', '/v1/status', '/v1/things/:id']);
    // A handler that reads a header directly: the URL does not decide its answer.
    expect(sut.knows('/v1/raw')).toBe(false);
  });

  it('should give the same key to requests the validation turns into the same DTO', async () => {
    const keys = await Promise.all(
      [{ limit: '0005' }, { limit: '5' }, { limit: '5.0' }].map((query) =>
        sut.keyOf({ route: '/v1/things/:id', params: { id: 'a' }, query }),
      ),
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe('/v1/things/:id?[["id","a"],["limit",5]]');
    const implicit = await sut.keyOf({ route: '/v1/things/:id', params: { id: 'a' }, query: {} });
    const explicit = await sut.keyOf({ route: '/v1/things/:id', params: { id: 'a' }, query: { limit: '25' } });
    expect(implicit).toBe(explicit);
  });

  it('should keep case variants apart unless the DTO normalizes case', async () => {
    const lower = await sut.keyOf({ route: '/v1/things/:id', params: { id: 'abc' }, query: {} });
    const upper = await sut.keyOf({ route: '/v1/things/:id', params: { id: 'ABC' }, query: {} });
    expect(lower).not.toBe(upper);
    const code = await sut.keyOf({ route: '/v1/codes/:code', params: { code: 'gbduw' }, query: {} });
    expect(code).toBe(await sut.keyOf({ route: '/v1/codes/:code', params: { code: 'GBDUW' }, query: {} }));
  });

  it('should give no key to a request the validation refuses', async () => {
    for (const query of [{ limit: '0' }, { limit: ' 5' }, { limit: '1e1' }, { limit: '5', colour: 'blue' }]) {
      expect(await sut.keyOf({ route: '/v1/things/:id', params: { id: 'a' }, query })).toBeUndefined();
    }
  });

  it('should key a route without a DTO by its path alone, and only without a query', async () => {
    expect(await sut.keyOf({ route: '/v1/status', params: {}, query: {} })).toBe('/v1/status');
    expect(await sut.keyOf({ route: '/v1/status', params: {}, query: { a: '1' } })).toBeUndefined();
    expect(await sut.keyOf({ route: '/v1/unknown', params: {}, query: {} })).toBeUndefined();
  });
});
