import { Injectable, Logger, Module } from '@nestjs/common';
import { createCommandContext } from './cli-context';

@Injectable()
class Noisy {
  constructor() {
    new Logger('Noisy').warn({ msg: 'idle connection lost', error: 'terminated' });
  }
}

@Module({ providers: [Noisy] })
class NoisyModule {}

@Injectable()
class Broken {
  constructor() {
    throw new Error('cannot go on');
  }
}

@Module({ providers: [Broken] })
class BrokenModule {}

describe(createCommandContext.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('should show a warning with its context and an object message as JSON', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const app = await createCommandContext(NoisyModule);
    await app.close();
    expect(warn).toHaveBeenCalledWith('Noisy: {"msg":"idle connection lost","error":"terminated"}');
  });

  it('should reject a failed boot without logging it or exiting', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(createCommandContext(BrokenModule)).rejects.toThrow('cannot go on');
    expect(error).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });
});
