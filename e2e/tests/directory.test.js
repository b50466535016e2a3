// Journeys through the directory, as a coordinator, an administrator, a mentor and a state
// reviewer, with zero axe-core violations on every page visited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launch, newPage, check, signIn, signOut } from './helpers.js';

let server;
let browser;

before(async () => {
  server = await startDemo();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test('the sign-in page is accessible and refuses a wrong password', async () => {
  const page = await newPage(browser);
  await page.goto(`${server.base}/`);
  assert.match(page.url(), /\/signin$/);
  await check(page, '01-signin');
  await page.getByLabel('E-mail address').fill('coordinator@wayne.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '02-signin-error');
  // Keyboard: the error summary links to the field.
  await page.getByRole('link', { name: 'The e-mail address or password is not right' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'email');
});

test('a coordinator browses real Michigan schools', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'coordinator@wayne.example');
  await page.getByRole('heading', { name: "What's yours to do" }).waitFor();
  await check(page, '10-coordinator-home');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organizations' }).click();
  await page.getByLabel('Name, city or NCES id').fill('Detroit');
  await page.getByLabel('Kind').selectOption('school');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/kind=school/);
  const rows = await page.locator('table tbody tr').count();
  assert.ok(rows > 10, `expected Detroit schools, got ${rows}`);
  await check(page, '11-orgs-detroit-schools');

  await page.locator('table tbody tr a').first().click();
  await page.getByRole('heading', { name: 'Students and staff' }).waitFor();
  await check(page, '12-school');

  await page.getByRole('link', { name: 'Next →' }).count(); // pagination exists on long lists
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Programs' }).click();
  await page.getByRole('link', { name: 'Detroit Teacher Residency (MAT)' }).waitFor();
  await check(page, '13-programs');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'People' }).click();
  await page.getByRole('link', { name: 'Sofia Alvarez' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'James Okafor' }).count(), 0, 'a provider coordinator does not see district staff');
  await check(page, '14-people');
  await page.getByRole('link', { name: 'Sofia Alvarez' }).click();
  await page.getByRole('heading', { name: 'Roles' }).waitFor();
  await check(page, '15-person');
  await signOut(page);
});

test('an administrator creates an organization, sees it listed, and sees validation errors', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'admin@tandem.example');
  await check(page, '20-admin-home');
  await page.goto(`${server.base}/orgs/new`);
  await check(page, '21-org-form');

  // Nothing filled in: an error summary with links, messages by the fields, nothing saved.
  await page.getByRole('button', { name: 'Add organization' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByText('Select the kind of organization').count() >= 1);
  assert.ok(await page.getByText('Enter a name').count() >= 1);
  await check(page, '22-org-form-errors');

  await page.getByLabel('Kind of organization').selectOption('provider');
  await page.getByLabel('Name', { exact: true }).fill('Lakeshore Teacher Residency');
  await page.getByLabel('State').fill('MI');
  await page.getByLabel('City (optional)').fill('Muskegon');
  await page.getByRole('button', { name: 'Add organization' }).click();
  await page.getByRole('status').getByText('Saved.').waitFor();
  await check(page, '23-org-created');

  await page.goto(`${server.base}/orgs?q=Lakeshore`);
  await page.getByRole('link', { name: 'Lakeshore Teacher Residency' }).waitFor();
  await check(page, '24-org-listed');

  for (const [path, name] of [['/people/new', '25-person-form'], ['/admin/tokens', '26-tokens'], ['/admin/import', '27-import'], ['/admin/access-log', '28-access-log'], ['/programs/new', '29-program-form']]) {
    await page.goto(`${server.base}${path}`);
    await check(page, name);
  }
  await page.goto(`${server.base}/no-such-page`);
  await check(page, '30-not-found');
  await page.getByRole('link', { name: 'Go to your home page' }).click();
  await signOut(page);
});

test('a mentor and a state reviewer see what their roles allow', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'mentor@detroitk12.example');
  const nav = page.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'People' }).count(), 0);
  await check(page, '40-mentor-home');
  await page.getByRole('link', { name: 'Open your school' }).click();
  await page.getByRole('heading', { name: 'Details' }).waitFor();
  await check(page, '41-mentor-school');
  await signOut(page);

  await signIn(page, server.base, 'reviewer@michigan.example');
  await page.getByRole('link', { name: 'Browse the state' }).click();
  await page.waitForURL(/state=MI/);
  await check(page, '42-reviewer-state');
  await page.goto(`${server.base}/people`);
  await check(page, '43-reviewer-people');
  assert.equal(await page.getByRole('link', { name: 'Add a person' }).count(), 0, 'read-only');
});

test('the skip link is the first stop for keyboard users', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'principal@detroitk12.example');
  await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.equal(focused, 'Skip to main content');
  await check(page, '50-principal-home');
});
