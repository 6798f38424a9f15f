/**
 * Signing in through the page's own sign-in form, as a person does (the e2e tests): fill the
 * login and password, press the button, wait until the page offers to sign out. One copy for
 * every e2e file (each had its own).
 */
import type { Page } from 'playwright-core';
import { dictionary, type Lang } from '../../src/i18n';

export interface SignInOptions {
  /** The page to open first (absolute URL); none: the form is on the page already. */
  readonly goto?: string;
  /** The page's language, which names the form's fields (default zh-CN). */
  readonly lang?: Lang;
}

export async function signInThroughForm(page: Page, who: { readonly login: string; readonly password: string }, options: SignInOptions = {}): Promise<void> {
  const t = dictionary(options.lang ?? 'zh-CN');
  if (options.goto !== undefined) await page.goto(options.goto);
  await page.getByLabel(t.session.login).fill(who.login);
  await page.getByLabel(t.session.password, { exact: true }).fill(who.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
}
