import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { bootTestApp, type TestApp } from '../support/test-app';

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

// The only skip: a machine without chromium (CI installs it, so CI never skips).
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;

describeWithChromium('Swagger UI at /docs', () => {
  let app: TestApp;
  let browser: Browser;
  let token: string;
  const email = `docs-${randomUUID()}@example.com`;

  beforeAll(async () => {
    app = await bootTestApp();
    const response = await fetch(`${app.httpUrl}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse battery staple' }),
    });
    expect(response.status).toBe(201);
    token = ((await response.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
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
});
