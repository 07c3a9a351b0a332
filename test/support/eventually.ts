/** Between two looks at the condition; the only time this file knows. */
const POLL_MS = 50;

/** The test running now, as Jest names it: a wait that outlives its test (Jest timed it out) stops looking. */
function currentTest(): string {
  const { testPath, currentTestName } = expect.getState();
  return `${testPath ?? ''}\u0000${currentTestName ?? ''}`;
}

/**
 * Waits until a condition holds, for state that announces no event a test could await (a job's state read through
 * the API, a gauge, a count of calls). No deadline of its own (issue 20: tests wait on events, never on wall-clock
 * upper bounds): Jest's test timeout is the one bound, so a slow machine makes a test slower, never red. Answers
 * how long the wait took.
 */
export async function eventually(check: () => Promise<boolean> | boolean, what = 'condition'): Promise<number> {
  const started = Date.now();
  const test = currentTest();
  while (!(await check())) {
    if (currentTest() !== test) {
      throw new Error(`${what}: still not met when its test ended`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return Date.now() - started;
}
