// Shared by the browser tests: ports, the first admin, and small helpers.
import { expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_PORT = 3100;
export const DEMO_PORT = 8180;
export const APP = `http://127.0.0.1:${APP_PORT}`;
export const DEMO = `http://127.0.0.1:${DEMO_PORT}`;
export const ADMIN = { email: 'admin@parlor.test', password: 'e2e-admin-password' };

const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** Saves a screenshot under end2end/artifacts/ for a person to look at. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

export async function hydrated(page) {
  await page.locator('body[data-hydrated]').waitFor();
}

export async function signIn(page, who = ADMIN) {
  await page.goto('/login');
  await hydrated(page);
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/channels$/);
  await hydrated(page);
}

/** The launcher button inside the widget's shadow root (Playwright pierces open roots). */
export function launcher(page) {
  return page.locator('parlor-chat button.launcher');
}

export function chatWindow(page) {
  return page.locator('parlor-chat .window');
}

/** Serves `html` as a page on another loopback origin, without a server. */
export async function hostPage(page, origin, html) {
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
  );
  await page.goto(`${origin}/`);
}

/** Every dialog (alert, confirm…) a page opens; a script injection would open one. */
export function recordDialogs(page) {
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return dialogs;
}
