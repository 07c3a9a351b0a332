import type { ObservableInput } from 'rxjs';

/**
 * What a pipeline step makes of a handler's result when it is not ready at once: a streamed body opened after its
 * 304 check (a promise), or a gRPC stream's messages. Any other result a step hands back is the value itself, so
 * the common case (one value, known at once) needs no rxjs operator.
 */
export class Later {
  constructor(readonly input: ObservableInput<unknown>) {}
}

/** A step's result as an rxjs input: the later one's, or the value alone. */
export function inputOf(shaped: unknown): ObservableInput<unknown> {
  return shaped instanceof Later ? shaped.input : [shaped];
}
