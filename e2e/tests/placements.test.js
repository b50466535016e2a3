// Clinical placements end to end, as each person does their part: the principal answers
// hosting from her home page; the coordinator runs the match, locks two placements, re-runs
// and sees what changed; the district approves; the mentor accepts; the placement is
// confirmed. A candidate states preferences; a one-time link answers without an account.
// Zero axe-core violations on every page visited.
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

const WINTER = 'Winter 2027 student teaching';

async function openWinter(page) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Placements' }).click();
  await page.getByRole('link', { name: WINTER }).click();
  await page.getByRole('heading', { name: WINTER, level: 1 }).waitFor();
}

test('hosting → run → lock two → re-run → district approves → mentor accepts → confirmed', async () => {
  const page = await newPage(browser);

  // The principal answers for her school from her home page; a "yes" without a number is refused.
  await signIn(page, server.base, 'principal@detroitk12.example');
  await page.getByRole('heading', { name: 'Can your school host candidates?' }).waitFor();
  await check(page, '100-principal-home');
  await page.getByRole('link', { name: /^Answer for / }).first().click();
  await page.getByLabel('Yes', { exact: true }).check();
  await page.getByRole('button', { name: 'Save the answer' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '101-hosting-error');
  await page.getByLabel('How many candidates, if yes').fill('2');
  await page.getByRole('button', { name: 'Save the answer' }).click();
  await page.getByText('Saved. You can change the answer').waitFor();
  await signOut(page);

  // The coordinator runs the match.
  await signIn(page, server.base, 'coordinator@wayne.example');
  await openWinter(page);
  await check(page, '102-term-before-run');
  await page.getByRole('button', { name: 'Run the match' }).click();
  await page.getByRole('heading', { name: 'Run 1' }).waitFor();
  assert.ok(await page.getByText('proven optimal').count() >= 1);
  await check(page, '103-run-1');
  await page.getByRole('link', { name: WINTER }).click();
  assert.ok(await page.getByText('Unplaced in the latest run').count() >= 1);
  await check(page, '104-term-after-run');

  // Lock two placements (the demo candidate's is one), re-run, and see the difference.
  await page.getByRole('button', { name: 'Lock the placement of Sofia Alvarez' }).click();
  const locks = page.getByRole('button', { name: /^Lock the placement of / });
  await locks.first().click();
  assert.equal(await page.getByRole('button', { name: /^Unlock the placement of / }).count(), 2);
  await page.getByRole('button', { name: 'Run the match' }).click();
  await page.getByRole('heading', { name: 'Run 2' }).waitFor();
  await page.getByRole('heading', { name: 'Changes from the run before' }).waitFor();
  assert.ok(await page.getByText('Sofia Alvarez (locked)').count() >= 1);
  await check(page, '105-run-2-changes');
  await page.getByRole('link', { name: 'by district' }).click();
  await page.getByRole('heading', { name: 'Run 2 by district' }).waitFor();
  assert.ok(await page.getByRole('cell', { name: 'Detroit Public Schools Community District' }).count() >= 1);
  await check(page, '105b-run-2-by-district');
  await page.getByRole('link', { name: 'See them by school' }).click();
  await page.getByRole('heading', { name: 'Run 2 by school' }).waitFor();
  await check(page, '105c-run-2-by-school');
  await signOut(page);

  // The district approves the demo candidate's placement; a decline needs a reason.
  await signIn(page, server.base, 'lead@detroitk12.example');
  await page.getByRole('heading', { name: 'Placements waiting for your answer' }).waitFor();
  await check(page, '106-district-home');
  await page.getByRole('link', { name: 'Sofia Alvarez with James Okafor' }).click();
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '107-decline-needs-reason');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('Approved: waiting for the mentor').waitFor();
  await signOut(page);

  // The mentor accepts: the placement is confirmed.
  await signIn(page, server.base, 'mentor@detroitk12.example');
  await page.getByRole('link', { name: 'Sofia Alvarez' }).click();
  await check(page, '108-mentor-answer');
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.getByText(/^Confirmed/).first().waitFor();
  await check(page, '109-confirmed');
  await signOut(page);

  // The candidate sees it on her home page.
  await signIn(page, server.base, 'candidate@wayne.example');
  await page.getByRole('heading', { name: 'Your placement' }).waitFor();
  assert.ok(await page.getByText('Confirmed').count() >= 1);
  await check(page, '110-candidate-home');
  await page.close();
});

test('supervisors: a base set by ZIP code, caseloads even and near', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'coordinator@wayne.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Placements' }).click();
  await page.getByRole('link', { name: 'Fall 2026 student teaching' }).click();
  const caseloads = page.getByRole('table', { name: /Program supervisors/ });
  // The demo's confirmed placements, shared evenly.
  const loads = [];
  for (const name of ['Priya Raman', 'Grace Mensah']) {
    loads.push(Number(await caseloads.getByRole('row', { name: new RegExp(name) }).getByRole('cell').nth(2).innerText()));
  }
  assert.ok(Math.min(...loads) > 0 && Math.abs(loads[0] - loads[1]) <= 1, `caseloads ${loads}`);
  await page.getByLabel('Supervisor', { exact: true }).selectOption({ label: 'Grace Mensah' });
  await page.getByLabel('ZIP code', { exact: true }).fill('99999');
  await page.getByRole('button', { name: 'Save the base' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByText('No school in the directory has this ZIP code').count() >= 1);
  await check(page, '119-supervisor-base-error');
  await page.getByLabel('ZIP code', { exact: true }).fill('48201');
  await page.getByRole('button', { name: 'Save the base' }).click();
  await caseloads.getByRole('row', { name: /Grace Mensah/ }).getByText('ZIP 48201').waitFor();
  await page.getByLabel(/Start over/).check();
  await page.getByRole('button', { name: 'Assign supervisors' }).click();
  await page.getByText('Saved.').waitFor();
  await check(page, '119-supervisors');
  await page.close();
});

test('training: the coordinator finds a mentor by name and records a completion', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'coordinator@wayne.example');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Partnerships' }).click();
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Training' }).click();
  await page.getByLabel('Find people by name or school').fill('okafor');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByText('1 person found.').waitFor();
  await page.locator('#module_id').selectOption({ label: 'Coaching cycles for mentors' });
  await page.getByLabel(/^James Okafor \(mentor,/).check();
  await page.getByLabel('Completed on').fill('2099-01-01');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.getByLabel(/^James Okafor \(mentor,/).isChecked(), 'the ticked mentor stays ticked');
  await check(page, '120-training-error');
  await page.getByLabel('Completed on').fill('2026-10-01');
  await page.getByRole('button', { name: 'Record' }).click();
  await page.getByRole('cell', { name: 'Coaching cycles for mentors' }).first().waitFor();
  await check(page, '121-training');
  await page.close();
});

test('a mentor calibrates on the exemplar lesson', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'mentor@detroitk12.example');
  await page.getByRole('heading', { name: 'Calibration lessons to score' }).waitFor();
  await page.getByRole('link', { name: 'Grade 4 fractions lesson (exemplar video)' }).click();
  await page.getByRole('button', { name: 'Submit my scores' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '116-calibration-error');
  const rows = page.locator('fieldset');
  const count = await rows.count();
  for (let i = 0; i < count; i++) await rows.nth(i).getByLabel('3', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit my scores' }).click();
  await page.getByRole('heading', { name: 'Your agreement with the reference' }).waitFor();
  await check(page, '117-calibration-result');
  await signOut(page);
  await signIn(page, server.base, 'coordinator@wayne.example');
  await page.goto(`${server.base}/partnerships`);
  await page.getByRole('link', { name: 'Wayne State – Detroit Teacher Residency Partnership' }).click();
  await page.getByRole('navigation', { name: 'This partnership' }).getByRole('link', { name: 'Calibration' }).click();
  await page.getByText('The partnership overall').waitFor();
  assert.equal(await page.locator('tbody tr').count(), 4, 'supervisor, two mentors and James');
  await check(page, '118-calibration-report');
  await page.close();
});

test('a candidate states preferences; mentors show why they are not eligible; a link answers once', async () => {
  const page = await newPage(browser);
  await signIn(page, server.base, 'candidate@wayne.example');
  await page.getByRole('link', { name: 'State your preferences' }).first().click();
  await page.getByLabel('Home ZIP code').fill('00000');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  await check(page, '111-candidate-preferences-error');
  await page.getByLabel('Home ZIP code').fill('48202');
  // A district stands for any of its schools.
  await page.getByLabel('Second choice').selectOption({ label: 'Any school of Detroit Public Schools Community District' });
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved.').waitFor();
  assert.equal(
    await page.getByLabel('Second choice').locator('option:checked').textContent(),
    'Any school of Detroit Public Schools Community District',
  );
  await signOut(page);

  await signIn(page, server.base, 'coordinator@wayne.example');
  await openWinter(page);
  await page.getByRole('navigation', { name: 'This term' }).getByRole('link', { name: 'Mentors' }).click();
  assert.ok(await page.getByText(/Not eligible: /).count() >= 1, 'some demo mentors miss a rule');
  await check(page, '112-mentors');
  await page.getByRole('link', { name: WINTER }).click();
  await page.getByRole('navigation', { name: 'This term' }).getByRole('link', { name: 'Candidates' }).click();
  await check(page, '113-candidates');
  await page.getByRole('link', { name: WINTER }).click();
  await page.getByRole('navigation', { name: 'This term' }).getByRole('link', { name: 'Hosting' }).click();
  await check(page, '114-hosting');
  // A CSV with a wrong row: the problem is named by file, line and field, next to the upload.
  const answered = await page.getByText(/^Hosts /).count();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'hosting.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('school,hosts,slots,areas,bands,reason\n260110304484,maybe,2,,,\n'),
  });
  await page.getByRole('button', { name: 'Import' }).click();
  await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
  assert.ok(await page.locator('#file-error').getByText('hosting.csv line 2, hosts').count() === 1);
  assert.equal(await page.getByText(/^Hosts /).count(), answered, 'nothing saved');
  await check(page, '114-hosting-import-error');
  await page.locator('table a').first().click();
  await page.getByRole('button', { name: 'Make a one-time link' }).click();
  const link = await page.locator('code').first().textContent();
  await signOut(page);

  // Without an account: the link opens the school's form, takes one answer, then is spent.
  await page.goto(`${server.base}${link}`);
  await page.getByLabel('No, not this term').check();
  await page.getByLabel('Why the school cannot host, if no').fill('Two teachers on leave this winter');
  await page.getByLabel('Your name and role').fill('Pat Lee, assistant principal');
  await check(page, '115-link-hosting');
  await page.getByRole('button', { name: 'Save the answer' }).click();
  await page.getByText('This link cannot be used again').waitFor();
  const again = await page.goto(`${server.base}${link}`);
  assert.equal(again.status(), 400);
  await page.close();
});
