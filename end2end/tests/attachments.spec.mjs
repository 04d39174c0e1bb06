// Attachments both ways: a visitor sends an image by the picker and both
// operators of the channel see its preview; an operator drops a file on the
// composer and the visitor downloads the same bytes; a file over 10 MB is
// refused with the reason shown and the typed text kept; a hostile file name
// shows as text.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import zlib from 'node:zlib';
import { DEMO, chatWindow, demoTeammate, demoVisitor, launcher, operatorOnline, recordDialogs, shot } from './support.mjs';

const ZOE = { email: 'zoe.files@parlor.test', password: 'zoe-password-1', name: 'Zoe' };
const EVIL = '<img src=x onerror=alert(1)>.png';

/** A real PNG of `w`×`h` pixels in one colour. */
function png(w, h, [r, g, b]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3).map((_, i) => [r, g, b][i % 3])]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: h }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Picks `file` with the visitor's paperclip (the real file chooser). */
async function visitorAttaches(visitor, file) {
  const [chooser] = await Promise.all([
    visitor.page.waitForEvent('filechooser'),
    visitor.win.getByRole('button', { name: 'Attach a file' }).click(),
  ]);
  await chooser.setFiles(file);
}

/** Drops `file` ({name, mimeType, text}) on `target` as a browser would. */
async function dropFile(page, target, file) {
  const dataTransfer = await page.evaluateHandle(({ name, mimeType, text }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type: mimeType }));
    return dt;
  }, file);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  return async () => target.dispatchEvent('drop', { dataTransfer });
}

async function naturalWidth(img) {
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((el) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
  return img.evaluate((el) => el.naturalWidth);
}

test('an image goes to both operators and a dropped file back to the visitor', async ({ browser }) => {
  test.setTimeout(120_000);
  await demoTeammate(ZOE);
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'The checkout page looks broken');
  const win = visitor.win;
  await op.locator('.conversation', { hasText: 'The checkout page looks broken' }).click();
  await expect(op.locator('ol.thread li.visitor .body')).toHaveText('The checkout page looks broken');

  // The visitor picks a screenshot; it goes without text.
  await visitorAttaches(visitor, { name: 'checkout.png', mimeType: 'image/png', buffer: png(320, 180, [220, 40, 40]) });
  const mine = win.locator('.msg.mine').last();
  await expect(mine).toHaveAttribute('data-state', 'sent');
  expect(await naturalWidth(mine.locator('.file-img img'))).toBe(320);
  // The preview fits the bubble.
  const fits = await mine.locator('.file-img img').evaluate((img) => {
    const bubble = img.closest('.bubble').getBoundingClientRect();
    return img.getBoundingClientRect().width <= bubble.width;
  });
  expect(fits).toBe(true);
  await expect(mine.locator('.file-img img')).toHaveAttribute('alt', 'checkout.png');
  await expect(win.locator('.file-note')).toHaveCount(0);

  // The operator sees the preview, and the list reads "📎 name".
  const shown = op.locator('ol.thread li.visitor').last();
  expect(await naturalWidth(shown.locator('img'))).toBe(320);
  await expect(shown.locator('img')).toHaveAttribute('alt', 'checkout.png');
  await expect(shown.locator('figcaption')).toContainText('checkout.png');
  await expect(op.locator('.conversation', { hasText: '📎 checkout.png' })).toHaveCount(1);

  // A colleague of the channel sees it too (their list, then the thread).
  const zoe = await operatorOnline(browser, ZOE);
  await zoe.page.locator('.filter', { hasText: 'All' }).click();
  const row = zoe.page.locator('.conversation', { hasText: '📎 checkout.png' });
  await row.click();
  expect(await naturalWidth(zoe.page.locator('ol.thread li.visitor img'))).toBe(320);
  await zoe.close();

  // The operator drops a file on the composer, with a line of text.
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('Here is the fix, step by step');
  const notes = 'Step 1: clear the cart.\nStep 2: try again.\n';
  const drop = await dropFile(op, op.locator('form.reply'), { name: 'steps.txt', mimeType: 'text/plain', text: notes });
  await expect(op.locator('.upload-note.drop')).toBeVisible();
  await drop();
  const sent = op.locator('ol.thread li.operator').last();
  await expect(sent.locator('a.attachment.file .file-name')).toHaveText('steps.txt');
  await expect(sent.locator('.body')).toHaveText('Here is the fix, step by step');
  await expect(sent.locator('a.attachment.file')).toHaveAttribute('download', 'steps.txt');
  await expect(reply).toHaveValue('');
  await expect(op.locator('.conversation', { hasText: 'Here is the fix' })).toHaveCount(1);
  await shot(op, 'inbox-attachments');

  // The visitor gets a download button with name and size; its bytes are the file's.
  const theirs = win.locator('.msg.operator').last();
  await expect(theirs.locator('.bubble')).toContainText('Here is the fix, step by step');
  const button = theirs.getByRole('button', { name: /steps\.txt/ });
  await expect(button).toContainText(`${Buffer.byteLength(notes)} B`);
  const [download] = await Promise.all([visitor.page.waitForEvent('download'), button.click()]);
  expect(download.suggestedFilename()).toBe('steps.txt');
  expect((await readFile(await download.path())).toString()).toBe(notes);
  await shot(visitor.page, 'widget-attachments');

  await staff.close();
  await visitor.close();
});

test('too large a file is refused with the reason and the text typed stays; names are text', async ({ browser }) => {
  test.setTimeout(120_000);
  const staff = await operatorOnline(browser);
  const op = staff.page;
  const visitor = await demoVisitor(browser, 'Can I send you my files?');
  const win = visitor.win;
  const opDialogs = recordDialogs(op);
  const visitorDialogs = recordDialogs(visitor.page);
  await op.locator('.conversation', { hasText: 'Can I send you my files?' }).click();
  await expect(op.locator('ol.thread li.visitor .body')).toHaveText('Can I send you my files?');

  const huge = Buffer.alloc(10 * 1024 * 1024 + 1, 0x61);
  // The widget refuses it before uploading, in the visitor's language.
  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill('This text must survive');
  await visitorAttaches(visitor, { name: 'huge.txt', mimeType: 'text/plain', buffer: huge });
  await expect(win.locator('.file-note.failed')).toHaveText('Files can be at most 10 MB.');
  await expect(input).toHaveValue('This text must survive');
  await expect(win.locator('.msg.mine')).toHaveCount(1);

  // The inbox uploads it and shows the server's refusal.
  const reply = op.getByRole('textbox', { name: 'Reply' });
  await reply.fill('My reply stays too');
  await op.locator('input.file-picker').setInputFiles({ name: 'huge.txt', mimeType: 'text/plain', buffer: huge });
  await expect(op.locator('.upload-note.form-error')).toContainText('10 MB');
  await expect(reply).toHaveValue('My reply stays too');
  await expect(op.locator('ol.thread li.operator')).toHaveCount(0);

  // A note takes no file.
  await op.getByRole('button', { name: 'Internal note' }).click();
  await expect(op.getByRole('button', { name: 'Attach a file' })).toBeHidden();
  await op.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(op.getByRole('button', { name: 'Attach a file' })).toBeVisible();

  // A file named like markup, dropped on the chat window: the drop hint
  // shows while dragging, and the name is text everywhere.
  const image = png(24, 24, [30, 120, 200]);
  const dataTransfer = await visitor.page.evaluateHandle(
    ({ name, bytes }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      return dt;
    },
    { name: EVIL, bytes: [...image] },
  );
  await win.dispatchEvent('dragenter', { dataTransfer });
  await expect(win.locator('.drop-hint')).toBeVisible();
  await expect(win.locator('.drop-hint')).toHaveText('Drop the file here to send it');
  await shot(visitor.page, 'widget-drop-hint');
  await win.dispatchEvent('drop', { dataTransfer });
  await expect(win.locator('.drop-hint')).toBeHidden();
  const mine = win.locator('.msg.mine').last();
  await expect(mine).toHaveAttribute('data-state', 'sent');
  await expect(mine.locator('figcaption')).toHaveText(EVIL);
  await expect(mine.locator('.file-img img')).toHaveAttribute('alt', EVIL);
  expect(await naturalWidth(mine.locator('.file-img img'))).toBe(24);
  // The text typed before went with the file.
  await expect(mine.locator('.bubble')).toContainText('This text must survive');
  await expect(input).toHaveValue('');

  const theirs = op.locator('ol.thread li.visitor').last();
  await expect(theirs.locator('figcaption')).toContainText(EVIL);
  await expect(theirs.locator('img')).toHaveAttribute('alt', EVIL);
  expect(await naturalWidth(theirs.locator('img'))).toBe(24);
  await expect(op.locator('img[src="x"]')).toHaveCount(0);
  await expect(visitor.page.locator('parlor-chat img[src="x"]')).toHaveCount(0);
  await shot(visitor.page, 'widget-attachment-name');
  expect(opDialogs).toEqual([]);
  expect(visitorDialogs).toEqual([]);

  await staff.close();
  await visitor.close();
});

test('a file whose send was lost goes again after a reload, with its file', async ({ browser }) => {
  test.setTimeout(90_000);
  const staff = await operatorOnline(browser);
  const op = staff.page;
  // The visitor's socket loses their `send` frames while `dropping`.
  const context = await browser.newContext();
  let dropping = false;
  await context.routeWebSocket(/\/widget\/v1\/live/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (!(dropping && m.toString().includes('"type":"send"'))) server.send(m);
    });
  });
  const page = await context.newPage();
  await page.goto(DEMO);
  await launcher(page).click();
  const win = chatWindow(page);
  const input = win.getByRole('textbox', { name: 'Message' });
  await input.fill('My photo is on its way');
  await input.press('Enter');
  await expect(win.locator('.msg.mine').last()).toHaveAttribute('data-state', 'sent');
  await op.locator('.conversation', { hasText: 'My photo is on its way' }).click();
  await expect(op.locator('ol.thread li.visitor .body')).toHaveText('My photo is on its way');

  dropping = true;
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    win.getByRole('button', { name: 'Attach a file' }).click(),
  ]);
  await chooser.setFiles({ name: 'plant.png', mimeType: 'image/png', buffer: png(48, 48, [40, 160, 60]) });
  const pending = win.locator('.msg.mine').last();
  await expect(pending).toHaveAttribute('data-state', 'sending');
  await expect(pending.locator('.file-img img')).toHaveAttribute('alt', 'plant.png');
  // Still unacknowledged a moment later: the send really was lost.
  await page.waitForTimeout(1_000);
  await expect(pending).toHaveAttribute('data-state', 'sending');
  await expect(op.locator('ol.thread li.visitor img')).toHaveCount(0);

  // After a reload the unacknowledged message is resent with its file.
  dropping = false;
  await page.reload();
  await launcher(page).click();
  const resent = win.locator('.msg.mine').last();
  await expect(resent).toHaveAttribute('data-state', 'sent');
  expect(await naturalWidth(resent.locator('.file-img img'))).toBe(48);
  const shown = op.locator('ol.thread li.visitor').last();
  expect(await naturalWidth(shown.locator('img'))).toBe(48);
  await expect(shown.locator('img')).toHaveAttribute('alt', 'plant.png');
  await expect(op.locator('ol.thread li.visitor img')).toHaveCount(1);

  await staff.close();
  await context.close();
});
