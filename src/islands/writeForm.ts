import { createSignal, type Accessor } from 'solid-js';
import type { AppStrings } from '../i18n';
import type { DescribedIssue } from '../i18n/issues';
import { refusalReason } from './format';

/** A problem at a field (`path`, '' for the whole form) in the user's words: what a form shows. */
export type FieldIssue = Pick<DescribedIssue, 'path' | 'message'>;

/** A write the device refused (RecordResult, RecordWriteResult): issues at fields, or a rule and its reason. */
export interface Refusal {
  readonly ok: false;
  readonly rule: string;
  readonly reason: string;
  readonly issues: readonly DescribedIssue[];
}

/** The issues to show for a refused write: its fields' issues, or the whole refusal in the user's words. */
export function refusalIssues(t: Pick<AppStrings, 'refusalRules'>, refused: Refusal): DescribedIssue[] {
  return refused.issues.length ? [...refused.issues] : [{ path: '', id: 'value.invalid', message: refusalReason(t, refused.rule, refused.reason) }];
}

export interface WriteForm {
  /** What the last attempt found, in the order the summary lists them. */
  readonly issues: Accessor<readonly FieldIssue[]>;
  /** The message of the first issue at `path` (`payload.address`; '' the whole form). */
  issueOf(path: string): string | undefined;
  /** Whether any issue lies at or under `path` (a list of rooms, a slot). */
  hasIssueUnder(path: string): boolean;
  readonly busy: Accessor<boolean>;
  /** What the last successful write says (saved on this device, sent…); null after a refusal. */
  readonly saved: Accessor<string | null>;
  /** Shows these issues (none clears them), as they are: a field answered loses its error. */
  show(list: readonly FieldIssue[]): void;
  /** A refusal: the issues in field order, no saved notice, the focus to the problems (the summary, or the form's own target). False, for `return`. */
  refuse(list: readonly FieldIssue[]): false;
  /** No issues and no notice (the form opened again). */
  clear(): void;
  /** A write went through: its notice (null for none), and no issues but those left beside it (a photo refused with the request saved): true. */
  succeed(notice: string | null, left?: readonly FieldIssue[]): true;
  /** Runs one attempt with the form busy (its button disabled); a second submit meanwhile is ignored (undefined). */
  whileBusy<T>(work: () => Promise<T>): Promise<T | undefined>;
  /**
   * One write on the device, the whole life cycle: busy while it runs, a refusal shown at its
   * fields (or whole, in the user's words) and focused, a success with its notice. True when
   * it was saved: the caller then empties what it typed; on a refusal everything typed stays.
   */
  record<R extends { ok: true } | Refusal>(write: () => Promise<R>, notice: string | null | ((saved: Extract<R, { ok: true }>) => string | null)): Promise<boolean>;
}

/**
 * The life cycle of a write from a form, the same in every island: the issues found (by the
 * device's copy of the server's write check, or by the form before it) at their fields and in
 * the error summary, busy while it runs, the notice of what was saved, and what was typed kept
 * on a refusal. Only the form knows its fields and what to empty after a save.
 *
 * `summaryId`: the form's ErrorSummary; a refusal lists the problems in the order of the fields
 * on screen (each field shows its message first; the schema reports in its own order) and moves
 * the focus there, so a screen reader reads them. `focus`: another target for the focus (the
 * first invalid field, a form-level message). Without either the focus stays where it is.
 */
export function createWrite(options: { t?: Pick<AppStrings, 'refusalRules'>; summaryId?: () => string; focus?: () => Element | null | undefined }): WriteForm {
  const [issues, setIssues] = createSignal<readonly FieldIssue[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [saved, setSaved] = createSignal<string | null>(null);

  const refuse = (list: readonly FieldIssue[]): false => {
    setIssues(list);
    setSaved(null);
    const summary = options.summaryId ? document.getElementById(options.summaryId()) : null;
    const form = summary?.closest('form');
    if (form) {
      const onScreen = [...form.querySelectorAll('.field-error')].map((e) => e.textContent);
      setIssues([...list].sort((a, b) => onScreen.indexOf(a.message) - onScreen.indexOf(b.message)));
    }
    const target = options.focus ?? (options.summaryId ? () => document.getElementById(options.summaryId!()) : null);
    if (target) queueMicrotask(() => (target() as HTMLElement | null | undefined)?.focus());
    return false;
  };
  const succeed = (notice: string | null, left: readonly FieldIssue[] = []): true => {
    setIssues(left);
    setSaved(notice);
    return true;
  };
  const whileBusy = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    if (busy()) return undefined;
    setBusy(true);
    try {
      return await work();
    } finally {
      setBusy(false);
    }
  };
  const record: WriteForm['record'] = async (write, notice) => {
    const result = await whileBusy(write);
    if (!result) return false;
    // Without the refusal words (a sign-in form's strings), the server's own reason.
    if (!result.ok) return refuse(refusalIssues(options.t ?? { refusalRules: {} as AppStrings['refusalRules'] }, result));
    return succeed(typeof notice === 'function' ? notice(result as Extract<typeof result, { ok: true }>) : notice);
  };

  return {
    issues,
    issueOf: (path) => issues().find((i) => i.path === path)?.message,
    hasIssueUnder: (path) => issues().some((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`)),
    busy,
    saved,
    show: (list) => void setIssues(list),
    refuse,
    succeed,
    clear: () => void succeed(null),
    whileBusy,
    record,
  };
}
