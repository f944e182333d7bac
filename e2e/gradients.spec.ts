/**
 * Gradient health end to end: a real training loop in a real session (Debian's torch) with
 * `lathe.watch(model, optimizer=opt)`, streamed through the driver's markers to the Gradients panel.
 */
import { canImport, expect, mod, PYTHON, shot, skipUnless, test, useSystemPython } from './fixtures';

test.setTimeout(180_000);


// One `# %%` cell: Shift+Enter runs the whole file. 60 steps, slow enough to watch the heat map fill.
const TRAIN = `# %%
import time, torch, lathe
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))
opt = torch.optim.SGD(model.parameters(), lr=LR)
h = lathe.watch(model, optimizer=opt)
for step in range(60):
    opt.zero_grad()
    loss = model(torch.randn(8, 16)).pow(2).mean()
    loss.backward()
    opt.step()
    lathe.log('loss', loss.item())
    time.sleep(0.05)
print('trained', h.step)
`;

test('a training cell fills the heat map live; an exploding run raises alerts naming the layer', async ({ lathe }) => {
  skipUnless(canImport('torch'), `${PYTHON} with torch is not installed (scripts/setup-system.sh installs it)`);
  const { page } = lathe;
  lathe.write('train.py', TRAIN.replace('LR', '0.01'));
  lathe.write('explode.py', TRAIN.replace('LR', '1e6'));
  await page.getByRole('button', { name: 'Refresh Explorer' }).click();
  await useSystemPython(page);

  await page.locator('.tree-row[data-path="train.py"]').click();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.press('Shift+Enter');
  await page.getByRole('tab', { name: 'Gradients' }).click();
  const view = page.getByTestId('gradients');
  // Live: the panel shows steps while the loop still runs, then all 60.
  await expect(view).toHaveAttribute('data-steps', /^[1-9]\d*$/, { timeout: 90_000 });
  const early = Number(await view.getAttribute('data-steps'));
  expect(early).toBeLessThan(60);
  await expect(view).toHaveAttribute('data-steps', '60', { timeout: 60_000 });
  await expect(page.getByTestId('grad-heatmap')).toBeVisible();
  await expect(page.getByTestId('grad-layers')).toContainText('0.weight');
  await expect(page.getByTestId('grad-overhead')).toContainText(/ms|%/);
  await shot(page, 'gradients-healthy');

  // The exploding run: lr = 1e6 blows the weights up, then NaN.
  await page.locator('.tree-row[data-path="explode.py"]').click();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.press('Shift+Enter');
  await page.getByRole('tab', { name: 'Gradients' }).click();
  const alerts = page.getByTestId('grad-alerts');
  await expect(alerts.locator('[data-kind="exploding"], [data-kind="jump"]').first()).toBeVisible({ timeout: 90_000 });
  await expect(alerts.locator('[data-kind="nan"], [data-kind="first-nan"]').first()).toBeVisible({ timeout: 60_000 });
  await expect(alerts).toContainText(/\d\.(weight|bias)/);
  await shot(page, 'gradients-exploding');
  // A taller panel, dragged as a user would, for a screenshot of the whole view.
  const splitter = page.getByRole('separator', { name: 'Resize panel' });
  const box = (await splitter.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, 200, { steps: 5 });
  await page.mouse.up();
  await shot(page, 'gradients-exploding-tall');
});
