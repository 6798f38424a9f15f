import { For, Show, createEffect, createMemo, createSignal, lazy, on } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { RecordWriteResult } from '../../db/device/database';
import { composeOperationsRecord } from '../../db/device/compose';
import { clearDraft, loadDraft, saveDraft } from '../../db/device/drafts';
import { describeCommitteeProblems } from '../../db/schema/messages';
import { COMMITTEE_RECORD_TYPES, COMMITTEE_WRITERS, MAX_COMMENT, type ApproverRole } from '../../db/schema/records/commitmentsRecords';
import type { OperationsRecord, RecordType } from '../../db/schema/records/record';
import type { Role } from '../../db/schema/roles';
import { fill, localeHref, type AppStrings, type Lang } from '../../i18n';
import { approvalProblems, type CommitteeProblem } from '../../rules/committee/approvable';
import { committeeYearState, committeeYears } from '../../rules/committee/draftState';
import { indicatorsBesideLastMeasured } from '../../rules/committee/lastMeasured';
import { fieldKey, fieldText, firstRevision, getAt, hasUnsavedChanges, indicatorsOf, nextDraftYear, problemsByField, type DraftSet } from '../../rules/committeeForm';
import { loadDeviceLayer, fromObservable } from '../reactive';
import { refusalReason } from '../format';
import TextField from '../TextField';
import DraftEditor from './DraftEditor';
import type { CommitteeData, CommitteeStrings } from './types';
import { editorShows, fieldId, formatWhen } from './view';

const ProvisionalFigures = lazy(() => import('./ProvisionalFigures'));

type Tab = 'draft' | 'provisional';

/** What the form keeps on the device between keystrokes: the set, and the revision it was begun from. */
interface FormDraft {
  readonly base: string | null;
  readonly set: DraftSet;
}

/**
 * The committee's work on a year (issue 8): the fold of the year's committee records
 * (src/rules/committee/draftState.ts) read live from the device's `records` collection, "start
 * next year's from this year's", the draft form, comments, approval by the utility's approving
 * role, the request for publication and its outcome as the server's record arrives. Every
 * action is one more record written through the server's own write check on the device.
 */
export default function CommitteeWork(props: { lang: Lang; t: AppStrings; c: CommitteeStrings; approverRole: ApproverRole; data: CommitteeData; device: BrowserDevice }) {
  const c = props.c;
  const device = props.device;
  // The approving role of this site's build, for the device's write check and push (the server's rule).
  void loadDeviceLayer().then((layer) => layer.setApproverRole(props.approverRole));

  const records = fromObservable<OperationsRecord[] | undefined>(device.records(COMMITTEE_RECORD_TYPES as unknown as RecordType[]), undefined);
  const next = nextDraftYear(props.data.commitments);
  const years = createMemo(() => {
    const ys = new Set<number>(committeeYears(records() ?? []));
    if (next !== null) ys.add(next);
    return [...ys].sort((a, b) => b - a);
  });
  const [year, setYear] = createSignal<number>(next ?? new Date().getFullYear());
  const state = createMemo(() => committeeYearState(records() ?? [], year()));
  const [tab, setTab] = createSignal<Tab>('draft');

  const colon = () => (props.lang === 'zh-CN' ? '：' : ': ');
  const roles = () => device.session.roles as readonly Role[];
  const writerRole = (): Role | undefined => roles().find((r) => (COMMITTEE_WRITERS as readonly Role[]).includes(r));
  const isApprover = () => roles().includes(props.approverRole);
  const write = async (type: RecordType, payload: unknown, role: Role | undefined = writerRole()): Promise<RecordWriteResult> =>
    device.writeRecord(composeOperationsRecord({ session: device.session, deviceId: device.deviceId, ...(role ? { role } : {}) }, type, payload), props.lang);

  // ---- the form, kept on the device as it is typed (drafts.ts), per user and year
  const formId = () => `committee-${year()}`;
  const readLocal = (): FormDraft | null => {
    const saved = loadDraft<FormDraft>(device.session.name, formId());
    return saved && typeof saved.set === 'object' && saved.set !== null ? { base: saved.base ?? null, set: saved.set } : null;
  };
  const [local, setLocal] = createSignal<FormDraft | null>(readLocal());
  createEffect(on(year, () => setLocal(readLocal()), { defer: true }));
  const current = () => state().current;
  const form = createMemo<DraftSet | null>(() => local()?.set ?? current()?.commitments ?? null);
  const unsaved = () => hasUnsavedChanges(local()?.set ?? null, current()?.commitments ?? null);
  const changeForm = (set: DraftSet) => {
    const draft = { base: local()?.base ?? current()?.id ?? null, set };
    setLocal(draft);
    saveDraft(device.session.name, formId(), draft);
  };
  const dropLocal = () => {
    clearDraft(device.session.name, formId());
    setLocal(null);
  };

  // ---- the Commitments schema's problems of what the form holds, at each field, in the user's language
  const problems = createMemo<CommitteeProblem[]>(() => (form() ? approvalProblems(form(), year()) : []));
  const byField = createMemo(() => {
    const out = new Map<string, string>();
    for (const [key, list] of problemsByField(problems(), editorShows)) {
      out.set(key, describeCommitteeProblems(list, props.lang).map((d) => d.message).join(' '));
    }
    return out;
  });
  const beside = createMemo(() => indicatorsBesideLastMeasured(form(), props.data.results, current()?.startedFrom ?? year() - 1));

  const [notice, setNotice] = createSignal<string | null>(null);
  const [failure, setFailure] = createSignal<string | null>(null);
  const [approvalIssues, setApprovalIssues] = createSignal<{ key: string; message: string }[]>([]);
  const refused = (result: Extract<RecordWriteResult, { ok: false }>) =>
    result.rule === 'committee-role' ? fill(c.approverOnly, { role: c.roles[props.approverRole] }) : refusalReason(props.t, result.rule, result.reason);
  const outcome = async (result: RecordWriteResult, done: string) => {
    if (result.ok) {
      setFailure(null);
      setNotice(done);
    } else {
      setNotice(null);
      setFailure(refused(result));
    }
    return result.ok;
  };

  const start = async () => {
    const first = firstRevision(props.data.commitments, year());
    if (!first) return;
    const ok = await outcome(await write('commitments-draft', { year: year(), startedFrom: first.startedFrom, commitments: first.commitments }), fill(c.started, { year: year(), from: first.startedFrom }));
    if (ok) dropLocal();
  };

  const save = async () => {
    const set = form();
    const base = current();
    if (!set || !base) return;
    const ok = await outcome(await write('commitments-draft', { year: year(), startedFrom: base.startedFrom, previous: base.id, commitments: set }), c.saved);
    if (ok) dropLocal();
  };

  const approve = async () => {
    const revision = current();
    if (!revision) return;
    setApprovalIssues([]);
    if (unsaved()) {
      setNotice(null);
      setFailure(c.saveFirst);
      return;
    }
    const found = approvalProblems(revision.commitments, year());
    if (found.length) {
      // The reasons, each at its field (the form shows the saved revision) and listed here.
      setNotice(null);
      setFailure(c.cannotApprove);
      setApprovalIssues(
        describeCommitteeProblems(found, props.lang).map((d, i) => {
          const path = found[i]!.path;
          const name = path[0] === 'indicators' && typeof path[1] === 'number' ? indicatorName(revision.commitments, path[1]) : '';
          let shown = [...path];
          while (shown.length && !editorShows(fieldKey(shown))) shown = shown.slice(0, -1);
          return { key: fieldKey(shown), message: name ? `${name}${colon()}${d.message}` : d.message };
        }),
      );
      queueMicrotask(() => document.getElementById('approval-problems')?.focus());
      return;
    }
    await outcome(await write('commitments-approval', { year: year(), revision: revision.id, commitments: revision.commitments }, props.approverRole), c.approved);
  };

  const indicatorName = (set: unknown, index: number) =>
    fill(c.indicatorLegend, { n: index + 1, name: fieldText(getAt(indicatorsOf(set)[index], ['label', props.lang === 'zh-CN' ? 'zh' : 'en'])) || fieldText(getAt(indicatorsOf(set)[index], ['id'])) });

  const askToPublish = async () => {
    const approval = state().approval;
    if (!approval) return;
    const role = writerRole() ?? (isApprover() ? props.approverRole : undefined);
    await outcome(await write('publish-request', { year: year(), approval: approval.id }, role), c.asked);
  };

  // ---- comments on the current revision
  const commentForm = () => `committee-comment-${year()}`;
  const savedComment = loadDraft<{ indicator: string; text: string }>(device.session.name, commentForm());
  const [commentOn, setCommentOn] = createSignal(savedComment?.indicator ?? '');
  const [commentText, setCommentText] = createSignal(savedComment?.text ?? '');
  const [commentError, setCommentError] = createSignal<string | undefined>();
  const keepComment = () => saveDraft(device.session.name, commentForm(), { indicator: commentOn(), text: commentText() });
  const addComment = async () => {
    const revision = current();
    if (!revision) return;
    const result = await write('commitments-comment', { year: year(), revision: revision.id, ...(commentOn() ? { indicator: commentOn() } : {}), text: commentText() });
    if (result.ok) {
      setCommentText('');
      setCommentError(undefined);
      clearDraft(device.session.name, commentForm());
      setNotice(c.commented);
      setFailure(null);
    } else {
      setCommentError(result.issues.find((i) => i.path.startsWith('payload.text'))?.message ?? refused(result));
    }
  };
  const indicatorIds = createMemo(() =>
    indicatorsOf(current()?.commitments).flatMap((ind) => {
      const id = getAt(ind, ['id']);
      return typeof id === 'string' && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) ? [{ id, name: fieldText(getAt(ind, ['label', props.lang === 'zh-CN' ? 'zh' : 'en'])) || id }] : [];
    }),
  );

  const failedOutcome = () => {
    const o = state().latestOutcome;
    return state().stage === 'failed' && o?.outcome === 'failed' ? o : null;
  };

  return (
    <section class="committee" aria-labelledby="committee-heading">
      <h2 id="committee-heading" class="visually-hidden">{c.title}</h2>
      <div class="tabs" role="tablist" aria-label={c.sections}>
        <For each={['draft', 'provisional'] as const}>
          {(name) => (
            <button
              type="button"
              role="tab"
              class="tab"
              id={`committee-tab-${name}`}
              aria-controls={`committee-panel-${name}`}
              aria-selected={tab() === name ? 'true' : 'false'}
              tabindex={tab() === name ? 0 : -1}
              onClick={() => setTab(name)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  const other = name === 'draft' ? 'provisional' : 'draft';
                  setTab(other);
                  document.getElementById(`committee-tab-${other}`)?.focus();
                }
              }}
            >
              {c.tabs[name]}
            </button>
          )}
        </For>
      </div>

      <Show when={tab() === 'provisional'}>
        <div id="committee-panel-provisional" role="tabpanel" aria-labelledby="committee-tab-provisional">
          <ProvisionalFigures lang={props.lang} c={c} device={device} commitments={props.data.commitments} />
        </div>
      </Show>

      <Show when={tab() === 'draft'}>
        <div id="committee-panel-draft" role="tabpanel" aria-labelledby="committee-tab-draft" class="committee-draft" data-year={year()} data-stage={state().stage}>
          <div class="field">
            <label for="committee-year">{c.year}</label>
            <select id="committee-year" value={String(year())} onChange={(e) => setYear(Number(e.currentTarget.value))}>
              <For each={years()}>{(y) => <option value={String(y)}>{fill(c.yearOption, { year: y })}</option>}</For>
            </select>
          </div>
          <p class="committee-stage" role="status">
            {c.stageLabel}
            {colon()}
            <strong>{c.stage[state().stage]}</strong>
          </p>

          <Show when={notice()}>
            <p class="notice" role="status">{notice()}</p>
          </Show>
          <Show when={failure()}>
            <div class="form-error" role="alert" id="approval-problems" tabindex="-1">
              <p>{failure()}</p>
              <Show when={approvalIssues().length}>
                <ul>
                  <For each={approvalIssues()}>
                    {(issue) => (
                      <li>
                        <a href={`#${fieldId(issue.key)}`}>{issue.message}</a>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </div>
          </Show>

          <Show when={state().stage === 'empty'}>
            <Show when={firstRevision(props.data.commitments, year())} fallback={<p>{c.noPublished}</p>}>
              {(first) => (
                <p>
                  <button type="button" class="button" onClick={start}>
                    {fill(c.startFrom, { year: year(), from: first().startedFrom })}
                  </button>
                </p>
              )}
            </Show>
          </Show>

          <Show when={current()}>
            {(revision) => (
              <>
                <p class="revision" data-revisions={state().revisions.length}>
                  {fill(c.revision, { name: revision().author.name, time: formatWhen(props.lang, revision().at), n: state().revisions.length })}
                </p>
                <Show when={unsaved()}>
                  <p class="notice">{c.unsaved}</p>
                </Show>
                <Show when={local() && local()!.base !== null && local()!.base !== revision().id}>
                  <p class="notice">{fill(c.newerRevision, { name: revision().author.name })}</p>
                </Show>
                <p class="draft-check" data-problems={problems().length}>
                  {problems().length ? fill(c.problemsCount, { n: problems().length }) : c.noProblems}
                </p>
                <Show when={byField().get('')}>
                  <p class="field-error">{byField().get('')}</p>
                </Show>
                <form
                  class="draft-form"
                  aria-label={c.tabs.draft}
                  onSubmit={(e) => {
                    e.preventDefault();
                    void save();
                  }}
                >
                  <DraftEditor lang={props.lang} c={c} set={form()!} onChange={changeForm} errors={(key) => byField().get(key)} beside={beside()} />
                  <div class="row-actions">
                    <button type="submit" class="button" disabled={!unsaved()}>
                      {c.save}
                    </button>
                    <Show when={unsaved()}>
                      <button type="button" class="button secondary" onClick={dropLocal}>
                        {c.discard}
                      </button>
                    </Show>
                  </div>
                </form>

                <section class="committee-comments" aria-labelledby="committee-comments-heading">
                  <h3 id="committee-comments-heading">{c.comments}</h3>
                  <Show when={state().comments.length} fallback={<p>{c.noComments}</p>}>
                    <ol class="comment-list">
                      <For each={state().comments}>
                        {(comment) => (
                          <li data-indicator={comment.indicator ?? ''}>
                            <p class="comment-meta">
                              {fill(c.commentBy, { name: comment.author.name, time: formatWhen(props.lang, comment.at) })}
                              {' · '}
                              {comment.indicator ? (indicatorIds().find((i) => i.id === comment.indicator)?.name ?? comment.indicator) : c.wholeDraft}
                              {comment.revision !== revision().id ? c.earlierRevision : ''}
                            </p>
                            <p class="comment-text">{comment.text}</p>
                          </li>
                        )}
                      </For>
                    </ol>
                  </Show>
                  <form
                    class="comment-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      void addComment();
                    }}
                  >
                    <div class="field">
                      <label for="comment-on">{c.commentOn}</label>
                      <select
                        id="comment-on"
                        value={commentOn()}
                        onChange={(e) => {
                          setCommentOn(e.currentTarget.value);
                          keepComment();
                        }}
                      >
                        <option value="">{c.wholeDraft}</option>
                        <For each={indicatorIds()}>{(i) => <option value={i.id}>{i.name}</option>}</For>
                      </select>
                    </div>
                    <TextField
                      id="comment-text"
                      label={c.commentText}
                      multiline
                      maxLength={MAX_COMMENT}
                      value={commentText()}
                      onInput={(v) => {
                        setCommentText(v);
                        keepComment();
                      }}
                      error={commentError()}
                    />
                    <button type="submit" class="button secondary">
                      {c.comment}
                    </button>
                  </form>
                </section>

                <section class="committee-approval" aria-labelledby="committee-approval-heading">
                  <h3 id="committee-approval-heading">{c.approval}</h3>
                  <Show when={state().approval}>
                    {(a) => <p class="approved-by">{fill(c.approvedBy, { name: a().author.name, time: formatWhen(props.lang, a().at) })}</p>}
                  </Show>
                  <Show when={!state().approval}>
                    <Show when={isApprover()} fallback={<p>{fill(c.approverOnly, { role: c.roles[props.approverRole] })}</p>}>
                      <button type="button" class="button" onClick={approve}>
                        {c.approve}
                      </button>
                    </Show>
                  </Show>
                  <Show when={state().stage === 'approved' || state().stage === 'failed'}>
                    <p>
                      <button type="button" class="button" onClick={askToPublish}>
                        {state().stage === 'failed' ? c.publishAgain : c.publish}
                      </button>
                    </p>
                  </Show>
                  <div class="publication" aria-live="polite">
                    <Show when={state().stage === 'publishing'}>
                      <p class="publication-state" data-outcome="pending">{c.stage.publishing}</p>
                    </Show>
                    <Show when={state().stage === 'published' && state().published}>
                      {(p) => (
                        <p class="publication-state" data-outcome="succeeded">
                          {fill(c.publishedAt, { time: formatWhen(props.lang, p().outcome.at) })}{' '}
                          <a href={localeHref(props.lang, `/commitments/${year()}/`)}>{fill(c.viewPublished, { year: year() })}</a>
                        </p>
                      )}
                    </Show>
                    <Show when={failedOutcome()}>
                      {(o) => (
                        <div class="publication-state form-error" data-outcome="failed">
                          <p>{fill(c.failedAt, { time: formatWhen(props.lang, o().at) })}</p>
                          <pre class="failure-reason">{o().reason}</pre>
                        </div>
                      )}
                    </Show>
                  </div>
                </section>
              </>
            )}
          </Show>
        </div>
      </Show>
    </section>
  );
}
