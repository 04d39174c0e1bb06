// Browser tests: a real Parlor server (fresh SQLite file per run) and
// Debian's Chromium. Never downloads a browser.
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ADMIN, APP_PORT, DEMO_PORT } from './tests/support.mjs';

if (!process.env.PARLOR_BIN) {
  throw new Error('PARLOR_BIN must point at the parlor server binary (scripts/test.sh sets it)');
}
const dataDir = process.env.PARLOR_E2E_DATA ?? mkdtempSync(path.join(tmpdir(), 'parlor-e2e-'));
process.env.PARLOR_E2E_DATA = dataDir; // workers re-evaluate this file: keep one directory

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    headless: true,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: process.env.PARLOR_BIN,
    url: `http://127.0.0.1:${APP_PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PARLOR_ADDR: `127.0.0.1:${APP_PORT}`,
      PARLOR_DEMO_ADDR: `127.0.0.1:${DEMO_PORT}`,
      PARLOR_DATABASE_URL: `sqlite://${dataDir}/parlor.db`,
      PARLOR_ADMIN_EMAIL: ADMIN.email,
      PARLOR_ADMIN_PASSWORD: ADMIN.password,
      PARLOR_SITE_ROOT: process.env.PARLOR_SITE_ROOT ?? '',
      PARLOR_WIDGET_DIR: process.env.PARLOR_WIDGET_DIR ?? '',
      PARLOR_LOG: 'warn',
      // channel-rules.spec.mjs plays the trusted proxy that names the country.
      PARLOR_COUNTRY_HEADER: 'X-Test-Country',
      // A closed inbox counts as away after a second, so the offline form's
      // tests need not wait a minute after another spec's operator left.
      PARLOR_PRESENCE_GRACE_SECS: '1',
      // Mail through the test postfix and dovecot, when scripts/mail.sh
      // runs (scripts/test.sh exports its variables): submission with
      // STARTTLS and a password, trusting the test CA.
      ...(process.env.PARLOR_TEST_SUBMISSION_PORT
        ? {
            PARLOR_SMTP_HOST: process.env.PARLOR_TEST_SMTP_HOST,
            PARLOR_SMTP_PORT: process.env.PARLOR_TEST_SUBMISSION_PORT,
            PARLOR_SMTP_SECURITY: 'starttls',
            PARLOR_SMTP_USER: 'desk@parlor.test',
            PARLOR_SMTP_PASSWORD: process.env.PARLOR_TEST_MAIL_PASSWORD,
            PARLOR_MAIL_FROM: 'desk@parlor.test',
            PARLOR_MAIL_CA_FILE: process.env.PARLOR_TEST_MAIL_CA,
            // Incoming mail is set up on the app's Mail page, by
            // ticket-mail.spec.mjs.
          }
        : {}),
    },
  },
});
