/**
 * The resident's portal as a person uses it.
 *
 *   openRequestForm(page, 'repair')   presses the kind's button in "what do you need?" and
 *                                     waits for its form
 */
import type { Page } from 'playwright-core';
import type { PortalChoice } from '../../../src/islands/forms/RequestForm';

export async function openRequestForm(page: Page, choice: PortalChoice): Promise<void> {
  const button = page.locator(`.new-request [data-choice="${choice}"]`);
  if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
  await page.locator(`#new-request-panel form.${choice}-form`).waitFor();
}
