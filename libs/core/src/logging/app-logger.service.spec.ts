import { Writable } from 'node:stream';
import pino from 'pino';
import { StartupError } from '../lifecycle/startup-error';
import { AppLogger } from './app-logger.service';

function capture(): { lines: Array<Record<string, unknown>>; sut: AppLogger } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino(stream);
  return { lines, sut: new AppLogger(logger, logger) };
}

describe(AppLogger.name, () => {
  it('should log a start that cannot go on as its cause and remedy, without a stack', () => {
    const { lines, sut } = capture();

    sut.error(new StartupError('DATA_DIR: PostgreSQL already runs there', 'stop the other Chorus'), 'ExceptionHandler');

    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        context: 'ExceptionHandler',
        msg: 'DATA_DIR: PostgreSQL already runs there; stop the other Chorus',
      }),
    ]);
    expect(lines[0]).not.toHaveProperty('err');
  });

  it('should keep the stack of any other error', () => {
    const { lines, sut } = capture();

    sut.error(new TypeError('boom'), 'ExceptionHandler');

    expect(lines[0]).toMatchObject({ msg: 'boom', err: { type: 'TypeError', stack: expect.stringContaining('at ') } });
  });
});
