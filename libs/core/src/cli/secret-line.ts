/** The streams a command reads a secret from; the process's own by default, others in tests. */
export interface SecretStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Where the prompt goes: stderr, so a script capturing stdout sees only the command's answer. */
  prompt: NodeJS.WritableStream;
}

const ENTER = new Set(['\r', '\n', '\u0004']);
const ERASE = new Set(['\u007f', '\b']);
const INTERRUPT = '\u0003';

/** Typed at a terminal with echo off: a password must not stay on the screen or in a scrollback buffer. */
function readFromTerminal(streams: SecretStreams, prompt: string): Promise<string> {
  const { input } = streams;
  streams.prompt.write(prompt);
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const end = (): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      streams.prompt.write('\n');
    };
    const onData = (chunk: string | Buffer): void => {
      for (const char of chunk.toString()) {
        if (char === INTERRUPT) {
          end();
          reject(new Error('cancelled'));
          return;
        }
        if (ENTER.has(char)) {
          end();
          resolve(typed);
          return;
        }
        typed = ERASE.has(char) ? typed.slice(0, -1) : typed + char;
      }
    };
    input.on('data', onData);
  });
}

/** Piped input (`printf '%s\n' "$PW" | ...`): the first line, without its line ending. */
function readFirstLine(input: SecretStreams['input']): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (): void => {
      input.removeListener('data', onData);
      input.removeListener('end', finish);
      input.removeListener('error', reject);
      input.pause();
      resolve(text.split('\n')[0].replace(/\r$/, ''));
    };
    const onData = (chunk: string | Buffer): void => {
      text += chunk.toString();
      if (text.includes('\n')) {
        finish();
      }
    };
    input.on('data', onData);
    input.once('end', finish);
    input.once('error', reject);
    input.resume();
  });
}

/** One secret line from stdin: prompted with echo off at a terminal, else the first line of what is piped in. */
export function readSecretLine(
  prompt: string,
  streams: SecretStreams = { input: process.stdin, prompt: process.stderr },
): Promise<string> {
  return streams.input.isTTY ? readFromTerminal(streams, prompt) : readFirstLine(streams.input);
}
