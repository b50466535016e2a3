// Partnership journeys: a provider lead starts a partnership, both parties approve the
// agreement, feedback goes from the district to the provider and is acted upon — with zero
// axe-core violations on every page visited.
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

const NAME = 'Wayne State – Detroit Special Education Pathway';

test('a provider lead and a district lead start a partnership, approve its agreement and close a feedback item', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'lead@wayne.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).waitFor();
  await check(page, '60-partnerships');

  await page.getByRole('link', { name: 'Start a partnership' }).click();
  // Dates in the wrong order: refused, with the message by the field.
  await page.getByLabel('Partnership name').fill(NAME);
  await page.getByLabel('Preparation provider').selectOption({ label: 'Wayne State University College of Education' });
  await page.getByLabel('District partners').selectOption({ label: 'Detroit Public Schools Community District' });
  await page.getByLabel('Status').selectOption('active');
  await page.getByLabel('Start date').fill('2027-08-01');
  await page.getByLabel('Next review').fill('2027-01-15');
  await page.getByRole('button', { name: 'Start the partnership' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByText('The review date must be after the start date').count() >= 1);
  await check(page, '61-partnership-form-error');
  await page.getByLabel('Next review').fill('2028-06-30');
  await page.getByRole('button', { name: 'Start the partnership' }).click();
  await page.getByRole('heading', { name: NAME }).waitFor();
  await check(page, '62-partnership');

  await page.getByRole('link', { name: 'Read the agreement' }).click();
  await page.getByRole('heading', { name: 'Agreement, version 1' }).waitFor();
  await page.getByRole('button', { name: 'Approve version 1 for my organization' }).click();
  await page.getByText('Approved for Wayne State University College of Education').waitFor();
  assert.ok(await page.getByText('awaiting approval by Detroit Public Schools Community District').count() >= 1);
  await check(page, '63-agreement-one-approval');
  const agreementUrl = page.url();
  await signOut(page);

  // The district lead approves: now the agreement is in force.
  await signIn(page, server.base, 'lead@detroitk12.example');
  await page.goto(agreementUrl);
  await page.getByRole('button', { name: 'Approve version 1 for my organization' }).click();
  await page.getByText('In force').waitFor();
  await check(page, '64-agreement-in-force');

  // The district raises feedback for the provider.
  await page.goto(agreementUrl.replace('/agreement', '/feedback'));
  await page.getByRole('button', { name: 'Raise the item' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '65-feedback-error');
  await page.getByLabel('For').selectOption({ label: 'Wayne State University College of Education' });
  await page.getByLabel('About').selectOption('preparation');
  await page.getByLabel('The feedback').fill('Candidates need more practice writing IEP goals');
  await page.getByLabel('Evidence').fill('Three of five case managers said so in the November check-in.');
  await page.getByRole('button', { name: 'Raise the item' }).click();
  await page.getByRole('heading', { name: 'Candidates need more practice writing IEP goals' }).waitFor();
  await check(page, '66-feedback-item');
  const itemUrl = page.url();
  await signOut(page);

  // The provider acts on it; the district closes it.
  await signIn(page, server.base, 'lead@wayne.example');
  await page.goto(itemUrl);
  await page.getByLabel('Step', { exact: true }).selectOption('acted');
  await page.getByRole('button', { name: 'Record this step' }).click();
  await page.getByText('Say what is planned or what was done').first().waitFor();
  await page.getByLabel('What is planned or was done').fill('IEP goal-writing workshop added to the spring seminar.');
  await page.getByRole('button', { name: 'Record this step' }).click();
  await page.getByText('Acted upon', { exact: true }).first().waitFor();
  await signOut(page);
  await signIn(page, server.base, 'lead@detroitk12.example');
  await page.goto(itemUrl);
  await page.getByLabel('Step', { exact: true }).selectOption('closed');
  await page.getByRole('button', { name: 'Record this step' }).click();
  await page.getByText('Closed', { exact: true }).first().waitFor();
  await check(page, '67-feedback-closed');
  await signOut(page);
});

test('a living partnership shows a change awaiting approval, its difference and the feedback record', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'lead@detroitk12.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByText('Version 1 is in force').waitFor();
  await check(page, '70-living-partnership');
  await page.getByRole('link', { name: 'Goals and progress' }).click();
  await page.getByRole('heading', { name: 'Every residency mentor trained before the school year' }).waitFor();
  await check(page, '73-goals');
  await page.getByRole('button', { name: 'Add the goal' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '74-goal-error');
  await page.goBack();
  await page.goBack();
  await page.getByRole('link', { name: 'Read the agreement' }).click();
  await page.getByRole('heading', { name: 'Agreement, version 2' }).waitFor();
  assert.ok(await page.locator('.diff ins').count() >= 1, 'the change is shown as an insertion');
  await check(page, '71-agreement-diff');
  await page.getByRole('link', { name: 'Printable view' }).click();
  await page.getByRole('heading', { name: 'Agreement, version 2' }).waitFor();
  await check(page, '72-agreement-print');
  await signOut(page);
  // A state reviewer reads it and cannot approve.
  await signIn(page, server.base, 'reviewer@michigan.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByRole('link', { name: 'Read the agreement' }).click();
  assert.equal(await page.getByRole('button', { name: /Approve/ }).count(), 0);
  await signOut(page);
});
