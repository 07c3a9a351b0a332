import { SettingsError } from '../config/settings';

/**
 * A start that cannot go on, said the way an operator acts on it: what is wrong and what to change. `main.ts`
 * prints it as the one line on stderr before exiting non-zero.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';

  constructor(
    readonly problem: string,
    readonly remedy: string,
    options?: { cause?: unknown },
  ) {
    super(`${problem}; ${remedy}`, options);
  }
}

const LISTEN_REMEDIES: Record<string, (setting: string, address: string) => string> = {
  EADDRINUSE: (setting, address) =>
    `${address} is already in use; stop what listens there or set ${setting} to a free port`,
  EACCES: (setting, address) =>
    `not allowed to listen on ${address}; ports below 1024 need privileges, set ${setting} to a port above 1023`,
  EADDRNOTAVAIL: (setting, address) =>
    `${address} is not an address of this machine; set the host that goes with ${setting} to one of its addresses or 0.0.0.0`,
};

/** The code of a listen failure, also when grpc-js wraps it in its own message ("... EADDRINUSE ..."). */
function listenCode(error: unknown): string | undefined {
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  if (typeof code === 'string' && code in LISTEN_REMEDIES) {
    return code;
  }
  const text = typeof message === 'string' ? message : '';
  return Object.keys(LISTEN_REMEDIES).find((known) => text.includes(known));
}

/** Runs one listener's start and turns a port or address problem into the setting to change. */
export async function listenOrExplain<T>(setting: string, host: string, port: number, listen: () => Promise<T>) {
  try {
    return await listen();
  } catch (error) {
    const code = listenCode(error);
    if (code) {
      const address = `${host}:${port}`;
      throw new StartupError(
        `${setting}: cannot listen on ${address} (${code})`,
        LISTEN_REMEDIES[code](setting, address),
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].trim();
}

/** The one line printed when a start fails: never `undefined`, never a stack. */
export function startFailureLine(error: unknown): string {
  if (error instanceof StartupError) {
    return `Chorus failed to start: ${firstLine(error.message)}`;
  }
  if (error instanceof SettingsError) {
    return `Chorus failed to start: ${firstLine(error.message)}; change it in the environment or the CHORUS_CONFIG file`;
  }
  if (error instanceof Error) {
    const detail = firstLine(error.message) || error.name;
    const code = (error as { code?: unknown }).code;
    return `Chorus failed to start: ${typeof code === 'string' && !detail.includes(code) ? `${code}: ` : ''}${detail}`;
  }
  const text = typeof error === 'string' ? firstLine(error) : '';
  return `Chorus failed to start: ${text || `an unexpected ${error === undefined ? 'empty' : typeof error} error was thrown`}`;
}
