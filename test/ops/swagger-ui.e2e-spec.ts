import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { FakeUpstream } from '../fake-upstream';
import { bootTestApp, type TestApp } from '../support/test-app';
import { upstreamEnv } from '../support/upstream-env';

/** Debian's chromium; .ci/run installs it. Nothing is downloaded. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const DAFT_PUNK = 'musicbrainz:056e4f3e-d505-4dad-8ec1-d04f521cbb56';
const PASSWORD = 'correct horse battery staple';

/** The operation block of one route, opened and switched to "Try it out". */
async function tryItOut(page: Page, method: string, path: string): Promise<Locator> {
  const operation = page.locator(`.opblock-${method}`).filter({
    has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
  });
  await operation.locator('.opblock-summary').first().click();
  await operation.locator('.try-out__btn').click();
  return operation;
}

/** Executes the operation and returns the status and JSON body Swagger UI shows. */
async function execute(operation: Locator): Promise<{ status: string; body: unknown }> {
  await operation.locator('.execute').click();
  const status = operation.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
  return { status: (await status.innerText()).trim(), body: JSON.parse(body) as unknown };
}

// The only skip: a machine without chromium (CI installs it, so CI never skips).
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithChromium('Swagger UI at /docs', () => {
  const fake = new FakeUpstream();
  let app: TestApp;
  let browser: Browser;
  let token: string;
  const email = `docs-${randomUUID()}@example.com`;

  beforeAll(async () => {
    await fake.start();
    app = await bootTestApp(upstreamEnv(fake));
    const response = await fetch(`${app.httpUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(response.status).toBe(201);
    token = ((await response.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await fake.stop();
  });

  it('should authorize with a bearer token and run GET /v1/me through "Try it out"', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app.httpUrl}/docs`);
      // Every REST route of the document is listed.
      const document = (await (await fetch(`${app.httpUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
      await page.locator('.opblock').first().waitFor();
      const paths = await page.locator('.opblock-summary-path').all();
      const listed = await Promise.all(paths.map((node) => node.getAttribute('data-path')));
      expect(new Set(listed)).toEqual(new Set(Object.keys(document.paths)));

      await page.locator('.auth-wrapper .authorize').click();
      const dialog = page.locator('.dialog-ux .modal-ux');
      await dialog.locator('input').first().fill(token);
      await dialog.locator('button.authorize').click();
      await dialog.locator('button.btn-done').click();

      const operation = page.locator('.opblock-get').filter({
        has: page.locator('.opblock-summary-path[data-path="/v1/me"]'),
      });
      await operation.locator('.opblock-summary').first().click();
      await operation.locator('.try-out__btn').click();
      await operation.locator('.execute').click();

      const status = operation.locator('.live-responses-table .response .response-col_status').first();
      await status.waitFor();
      expect((await status.innerText()).trim()).toBe('200');
      const body = await operation.locator('.live-responses-table .response-col_description pre').first().innerText();
      expect(JSON.parse(body)).toEqual(expect.objectContaining({ email }));
    } finally {
      await page.close();
    }
  });

  it('should look an artist up by id through "Try it out", the path parameter filled from the document', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app.httpUrl}/docs`);
      await page.locator('.opblock').first().waitFor();
      const operation = await tryItOut(page, 'get', '/v1/artists/{id}');
      const id = operation.locator('tr[data-param-name="id"] input');
      // The document's example is an id a user can run as is.
      expect(await id.inputValue()).toBe(DAFT_PUNK);
      const answer = await execute(operation);
      expect(answer.status).toBe('200');
      expect(answer.body).toEqual(expect.objectContaining({ id: DAFT_PUNK, name: 'Daft Punk' }));
    } finally {
      await page.close();
    }
  });

  it('should sign in through "Try it out" on POST /v1/auth/login with a JSON body', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${app.httpUrl}/docs`);
      await page.locator('.opblock').first().waitFor();
      const operation = await tryItOut(page, 'post', '/v1/auth/login');
      const body = operation.locator('textarea.body-param__text');
      expect(JSON.parse(await body.inputValue())).toEqual({ email: expect.any(String), password: expect.any(String) });
      await body.fill(JSON.stringify({ email, password: PASSWORD }));
      const answer = await execute(operation);
      expect(answer.status).toBe('200');
      expect(answer.body).toEqual(
        expect.objectContaining({
          user: expect.objectContaining({ email }),
          tokens: expect.objectContaining({ accessToken: expect.any(String), tokenType: 'Bearer' }),
        }),
      );
    } finally {
      await page.close();
    }
  });
});
