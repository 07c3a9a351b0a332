import type { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from '@app/core';
import { BatchGetDto } from './catalog.dto';

const body: ArgumentMetadata = { type: 'body', metatype: BatchGetDto };

describe(BatchGetDto.name, () => {
  const sut = createValidationPipe();

  it.each([
    ['no ids', {}, 'ids must be an array of 1 to 100 ids'],
    ['a string', { ids: 'deezer:1' }, 'ids must be an array of 1 to 100 ids'],
    ['no id', { ids: [] }, 'ids must contain at least 1 elements'],
    [
      '101 ids',
      { ids: Array.from({ length: 101 }, (_, i) => `deezer:${i}`) },
      'ids must contain no more than 100 elements',
    ],
    ['a number', { ids: [1] }, 'each value in ids must be a string'],
    ['a space', { ids: ['deezer: 1'] }, 'each id must be printable ASCII without spaces'],
  ])('should refuse %s naming ids with what is wrong', async (_case, input, message) => {
    await expect(sut.transform(input, body)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      violations: [{ field: 'ids', message }],
    });
  });

  it('should take an array of ids, malformed ones included (each is answered on its own)', async () => {
    await expect(sut.transform({ ids: ['deezer:1', 'deezer:abc'] }, body)).resolves.toEqual({
      ids: ['deezer:1', 'deezer:abc'],
    });
  });
});
