// The work of a living partnership: both parties rate it on the depth framework and see the
// comparison; a meeting planned from a toolkit agenda yields an action item that shows, overdue,
// on its owner's home page; an improvement cycle is decided; an organization adds its own
// toolkit item and attaches it — with zero axe-core violations on every page visited.
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

const RESIDENCY = 'Wayne State – Detroit Teacher Residency Partnership';

async function openResidency(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: RESIDENCY }).click();
  await page.getByRole('heading', { name: RESIDENCY }).waitFor();
}

/** Rates every criterion of the depth framework at `level`, with evidence. */
async function rateAll(page, level) {
  const groups = page.locator('fieldset.criterion');
  const count = await groups.count();
  for (let i = 0; i < count; i++) {
    const group = groups.nth(i);
    await group.locator(`input[type=radio][value="${level}"]`).check();
    await group.getByLabel('Evidence').fill('Meeting minutes and the shared data calendar');
  }
}

test('both parties rate the partnership on its own and see the ratings side by side', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'lead@wayne.example');
  await openResidency(page);
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Self-assessment' }).click();
  await page.getByRole('link', { name: 'Depth of partnership' }).click();
  await page.getByRole('heading', { name: 'Side by side: each party\'s latest ratings' }).waitFor();
  assert.ok(await page.locator('tr.disagree').count() >= 1, 'the demo history has disagreements');
  await check(page, '80-assessment-comparison');

  await page.getByRole('link', { name: 'Rate for your party' }).click();
  // A high level without evidence is refused, with the message by the criterion.
  const first = page.locator('fieldset.criterion').first();
  await first.locator('input[type=radio][value="4"]').check();
  await page.getByRole('button', { name: 'Save our ratings' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByText(/Name the evidence for rating/).count() >= 1);
  await check(page, '81-assessment-form-error');
  await page.getByLabel('The date this assessment describes').fill('2026-11-20');
  await rateAll(page, 3);
  await page.getByRole('button', { name: 'Save our ratings' }).click();
  await page.getByRole('heading', { name: 'How the ratings moved' }).waitFor();
  await signOut(page);

  // Detroit rates differently on its own; both now appear, dated, with the differences marked.
  await signIn(page, server.base, 'lead@detroitk12.example');
  await openResidency(page);
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Self-assessment' }).click();
  await page.getByRole('link', { name: 'Depth of partnership' }).click();
  await page.getByRole('link', { name: 'Rate for your party' }).click();
  await page.getByLabel('The date this assessment describes').fill('2026-11-21');
  await rateAll(page, 2);
  await page.getByRole('button', { name: 'Save our ratings' }).click();
  await page.getByRole('heading', { name: 'How the ratings moved' }).waitFor();
  assert.ok(await page.getByText('2026-11-20').count() >= 1, 'the provider\'s round is shown');
  assert.ok(await page.getByText('2026-11-21').count() >= 1, 'the district\'s round is shown');
  assert.equal(
    await page.locator('tr.disagree').count(),
    await page.locator('table.compare tbody tr').count(),
    'every criterion differs: 3 against 2',
  );
  assert.ok(await page.locator('svg.chart polyline').count() >= 2, 'a line per party');
  await check(page, '82-assessment-both-sides');
  await signOut(page);
});

test('a meeting from a toolkit agenda yields an action item its owner sees overdue, and a cycle is decided', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'lead@wayne.example');
  // The demo's overdue item waits on the provider lead's home page.
  await page.getByRole('heading', { name: 'Your action items' }).waitFor();
  assert.ok(await page.getByText('Overdue').count() >= 1);
  await check(page, '83-home-actions');

  await openResidency(page);
  await check(page, '84-partnership-home');
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Meetings' }).click();
  await page.getByRole('link', { name: 'Data day agenda' }).click();
  await page.getByLabel('Title').fill('Winter data day');
  await page.getByLabel('Date').fill('');
  await page.getByRole('button', { name: 'Save the meeting' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByText('Enter the date of the meeting').count() >= 1);
  await check(page, '85-meeting-form-error');
  await page.getByLabel('Date').fill('2026-12-04');
  await page.getByRole('group', { name: 'Who attends' }).getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Save the meeting' }).click();
  await page.getByRole('heading', { name: 'Winter data day' }).waitFor();
  await page.getByRole('heading', { name: 'The partnership\'s figures on this data day' }).waitFor();
  await page.getByLabel('What is to be done').fill('Send the observation summary to principals');
  await page.getByLabel('Owner').selectOption({ index: 1 });
  const ownerLabel = await page.getByLabel('Owner').locator('option:checked').textContent();
  await page.getByLabel('Due').fill('2026-11-01');
  await page.getByRole('button', { name: 'Add the action item' }).click();
  await page.getByRole('cell', { name: /Send the observation summary/ }).first().waitFor();
  assert.ok(await page.locator('tr.overdue').count() >= 1, 'a past due date shows overdue');
  await check(page, '86-meeting');

  // The improvement cycle: the open round is studied and adopted.
  await page.goto(page.url().replace(/\/meetings\/\d+$/, '/partnerships/1/cycles'));
  await page.getByRole('link', { name: 'Co-taught fractions unit' }).click();
  await page.getByRole('heading', { name: 'Round 2: do, study, act' }).waitFor();
  await page.getByLabel('Act: the decision').selectOption('adopt');
  await page.getByRole('button', { name: 'Save the round' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '87-cycle-error');
  await page.getByLabel('Do: what was done').fill('Two grade-3 lessons planned with mentors at four schools.');
  await page.getByLabel('Study: what the data showed, against the predictions').fill('Grade 3 residents reached 3.0.');
  await page.getByLabel('Decided on').fill('2026-11-20');
  await page.getByRole('button', { name: 'Save the round' }).click();
  await page.getByText('Adopted after 2 round(s)').waitFor();
  await check(page, '88-cycle-adopted');
  await signOut(page);
  assert.ok(ownerLabel && ownerLabel.length > 0);
});

test('an organization adds its own toolkit item and attaches it to its partnership', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'lead@detroitk12.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Toolkit' }).click();
  await page.getByRole('heading', { name: 'Candidate–mentor matches' }).waitFor();
  await check(page, '89-toolkit');
  await page.getByRole('link', { name: 'Add an item' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '90-toolkit-form-error');
  await page.getByLabel('Whose item').selectOption({ label: 'Detroit Public Schools Community District' });
  await page.getByLabel('Kind').selectOption('questions');
  await page.getByLabel('Focus area').selectOption('sites');
  await page.getByLabel('Title').fill('Detroit questions for hosting schools');
  await page.getByLabel('Text').fill('- Which grade levels can you host next fall?\n- Who will meet the resident on day one?');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'Detroit questions for hosting schools' }).waitFor();
  await page.getByLabel('Partnership', { exact: true }).selectOption({ label: RESIDENCY });
  await page.getByRole('button', { name: 'Attach to the partnership' }).click();
  await page.getByRole('link', { name: 'Detroit questions for hosting schools' }).waitFor();
  await check(page, '91-toolkit-attached');
  await signOut(page);
});
