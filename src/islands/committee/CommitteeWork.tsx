import { For, Show, createEffect, createMemo, createSignal, lazy, on, onCleanup } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { RecordWriteResult } from '../../db/device/database';
import { composeOperationsRecord } from '../../db/device/compose';
import { clearDraft, loadDraft, saveDraft } from '../../db/device/drafts';
import { describeCommitteeProblems } from '../../i18n/issues';
import { COMMITTEE_RECORD_TYPES, COMMITTEE_WRITERS, MAX_COMMENT, type ApproverRole } from '../../db/schema/records/commitmentsRecords';
import type { PublishedLanguage } from '../../db/schema/common';
import type { OperationsRecord, RecordType } from '../../db/schema/records/record';
import type { Role } from '../../db/schema/roles';
import { SLUG_PATTERN } from '../../db/schema/vocabulary';
import { fill, localeHref, type AppStrings, type Lang } from '../../i18n';
import { approvalProblems, type CommitteeProblem } from '../../rules/committee/approvable';
import { committeeYearState, committeeYears } from '../../rules/committee/draftState';
import { lastMeasuredReading } from '../../rules/committee/lastMeasured';
import { approvalBlock } from '../../rules/committee/draftState';
import { changeSummary, type IndicatorRef } from '../../rules/committee/changes';
import { readPublishFailure } from '../../rules/committee/failure';
import { commentTarget, fieldKey, fieldText, firstRevision, getAt, hasUnsavedChanges, indicatorsOf, nextDraftYear, problemsByField, publishBlock, yearShown, type DraftSet } from '../../rules/committeeForm';
import { provisionalResults } from '../../db/device/provisional';
import { loadDeviceLayer, fromObservable } from '../reactive';
import { createWrite, refusalIssues, type FieldIssue } from '../writeForm';
import TextField from '../TextField';
import DraftEditor from './DraftEditor';
import type { CommitteeData, CommitteeStrings } from './types';
import { editorShows, fieldId, formatFigure, formatWhen } from './view';

const SIGNS: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

const ProvisionalFigures = lazy(() => import('./ProvisionalFigures'));

type Tab = 'draft' | 'provisional';

/** What the form keeps on the device between keystrokes: the set, and the revision it was begun from. */
interface FormDraft {
  readonly base: string | null;
  readonly set: DraftSet;
}

/**
 * (Over 500 lines: the draft form, its review and the publication share the year's fold and the
 * unsaved-edit state. Its writes go through the shared life cycle, createWrite of writeForm.ts.)
 *
 * The committee's work on a year (issue 8): the fold of the year's committee records
 * (src/rules/committee/draftState.ts) read live from the device's `records` collection, "start
 * next year's from this year's", the draft form, comments, approval by the utility's approving
 * role, the request for publication and its outcome as the server's record arrives. Every
 * action is one more record written through the server's own write check on the device.
 */
export default function CommitteeWork(props: { lang: Lang; t: AppStrings; c: CommitteeStrings; approverRole: ApproverRole; fourEyes: boolean; languages: readonly PublishedLanguage[]; data: CommitteeData; device: BrowserDevice }) {
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
  // The year worked on is kept on the device: a publication moves "next year" on, a reload
  // offline has no records yet, and neither may move the member to an empty year.
  const rememberedYear = loadDraft<{ year: number }>(device.session.name, 'committee-year')?.year;
  const remembered = typeof rememberedYear === 'number' ? rememberedYear : null;
  const [year, setYearSignal] = createSignal<number>(yearShown(remembered, next));
  const [chosen, setChosen] = createSignal(remembered !== null);
  const setYear = (y: number) => {
    setChosen(true);
    setYearSignal(y);
    saveDraft(device.session.name, 'committee-year', { year: y });
  };
  // Once the records are read, a device that has not chosen shows the year last worked on.
  createEffect(() => {
    const rs = records();
    if (rs === undefined || rs.length === 0 || chosen()) return;
    setChosen(true);
    setYearSignal(yearShown(null, next, committeeYears(rs)));
  });
  const rules = { fourEyes: props.fourEyes };
  const state = createMemo(() => committeeYearState(records() ?? [], year(), rules));
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
  const problems = createMemo<CommitteeProblem[]>(() => (form() ? approvalProblems(form(), year(), { languages: props.languages }) : []));
  const byField = createMemo(() => {
    const out = new Map<string, string>();
    for (const [key, list] of problemsByField(problems(), editorShows)) {
      out.set(key, describeCommitteeProblems(list, props.lang).map((d) => d.message).join(' '));
    }
    return out;
  });

  // The shared write life cycle (writeForm.ts): busy (a second click ignored), the notice, and
  // the problems in the box above the form (path '' its words, a field's key a link to it).
  const pageWrite = createWrite({ focus: () => document.getElementById('approval-problems') });
  const commentWrite = createWrite({ focus: () => document.getElementById('comment-text') });
  /** A field of the committee's set named by the write check (`payload.commitments.…`): the shown field it belongs to. */
  const shownKey = (path: string) => {
    let key = path.startsWith('payload.commitments.') ? path.slice('payload.commitments.'.length) : '';
    while (key && !editorShows(key)) key = key.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    return key;
  };
  const refused = (result: Extract<RecordWriteResult, { ok: false }>): FieldIssue[] =>
    result.rule === 'committee-role' ? [{ path: '', message: fill(c.approverOnly, { role: c.roles[props.approverRole] }) }] : refusalIssues(props.t, result);
  const outcome = async (attempt: () => Promise<RecordWriteResult>, done: string) => {
    const result = await pageWrite.whileBusy(attempt);
    if (!result) return false;
    return result.ok ? pageWrite.succeed(done) : pageWrite.refuse(refused(result).map((i) => ({ path: shownKey(i.path), message: i.message })));
  };

  const start = async () => {
    const first = firstRevision(props.data.commitments, year());
    if (!first) return;
    const ok = await outcome(() => write('commitments-draft', { year: year(), startedFrom: first.startedFrom, commitments: first.commitments }), fill(c.started, { year: year(), from: first.startedFrom }));
    if (ok) {
      dropLocal();
      setYear(year());
    }
  };

  const save = async () => {
    const set = form();
    const base = current();
    if (!set || !base) return;
    const ok = await outcome(() => write('commitments-draft', { year: year(), startedFrom: base.startedFrom, previous: base.id, commitments: set }), c.saved);
    if (ok) {
      dropLocal();
      setYear(year());
    }
  };

  const approve = async () => {
    const revision = current();
    if (!revision || pageWrite.busy()) return;
    if (ownEdit()) return void pageWrite.refuse([{ path: '', message: fill(c.ownEdit, { role: c.roles[props.approverRole] }) }]);
    if (unsaved()) return void pageWrite.refuse([{ path: '', message: c.saveFirst }]);
    const found = approvalProblems(revision.commitments, year(), { languages: props.languages });
    if (found.length) {
      // The reasons, each at its field (the form shows the saved revision) and listed here.
      pageWrite.refuse([
        { path: '', message: c.cannotApprove },
        ...describeCommitteeProblems(found, props.lang).map((d, i) => {
          const path = found[i]!.path;
          const name = path[0] === 'indicators' && typeof path[1] === 'number' ? indicatorName(revision.commitments, path[1]) : '';
          let shown = [...path];
          while (shown.length && !editorShows(fieldKey(shown))) shown = shown.slice(0, -1);
          return { path: fieldKey(shown), message: name ? `${name}${colon()}${d.message}` : d.message };
        }),
      ]);
      return;
    }
    await outcome(() => write('commitments-approval', { year: year(), revision: revision.id, commitments: revision.commitments }, props.approverRole), c.approved);
  };

  const indicatorName = (set: unknown, index: number) =>
    fill(c.indicatorLegend, { n: index + 1, name: fieldText(getAt(indicatorsOf(set)[index], ['label', props.lang === 'zh-CN' ? 'zh' : 'en'])) || fieldText(getAt(indicatorsOf(set)[index], ['id'])) });

  const publishBlocked = () => publishBlock(state().stage, unsaved());
  const ownEdit = () => {
    const revision = current();
    return revision !== null && approvalBlock(revision, device.session, rules) === 'own-edit';
  };
  const askToPublish = async () => {
    const approval = state().approval;
    if (!approval || publishBlocked() !== null) return;
    const role = writerRole() ?? (isApprover() ? props.approverRole : undefined);
    await outcome(() => write('publish-request', { year: year(), approval: approval.id }, role), c.asked);
  };

  // ---- comments on the current revision
  const commentForm = () => `committee-comment-${year()}`;
  const savedComment = loadDraft<{ indicator: string; text: string; revision?: string }>(device.session.name, commentForm());
  const [commentOn, setCommentOn] = createSignal(savedComment?.indicator ?? '');
  const [commentText, setCommentText] = createSignal(savedComment?.text ?? '');
  // The revision a comment is written on: the one shown when its first word was typed (kept
  // with the typed text), so a revision saved meanwhile does not take it over.
  const [commentRevisionId, setCommentRevisionId] = createSignal<string | null>(savedComment?.revision ?? null);
  // The text's own problem, else the refusal's words, at the comment field.
  const commentError = () => commentWrite.issues().find((i) => i.path.startsWith('payload.text'))?.message ?? (commentWrite.issues().map((i) => i.message).join(' ') || undefined);
  const commentRevision = () => state().revisions.find((r) => r.id === commentRevisionId()) ?? current();
  const keepComment = () => {
    if (commentText() === '') setCommentRevisionId(null);
    else if (commentRevisionId() === null) setCommentRevisionId(current()?.id ?? null);
    saveDraft(device.session.name, commentForm(), { indicator: commentOn(), text: commentText(), ...(commentRevisionId() ? { revision: commentRevisionId()! } : {}) });
  };
  const addComment = async () => {
    const revision = commentRevision();
    if (!revision) return;
    const result = await commentWrite.whileBusy(() => write('commitments-comment', { year: year(), revision: revision.id, ...(commentOn() ? { indicator: commentOn() } : {}), text: commentText() }));
    if (!result) return;
    if (!result.ok) return void commentWrite.refuse(refused(result));
    setCommentText('');
    setCommentRevisionId(null);
    clearDraft(device.session.name, commentForm());
    commentWrite.clear();
    pageWrite.succeed(c.commented);
  };
  const indicatorIds = createMemo(() =>
    indicatorsOf(current()?.commitments).flatMap((ind) => {
      const id = getAt(ind, ['id']);
      return typeof id === 'string' && SLUG_PATTERN.test(id) ? [{ id, name: fieldText(getAt(ind, ['label', props.lang === 'zh-CN' ? 'zh' : 'en'])) || id }] : [];
    }),
  );

  // A new stage or year takes the notice away; the problems stay until the next attempt.
  createEffect(on(() => [state().stage, year()], () => void pageWrite.succeed(null, pageWrite.issues()), { defer: true }));

  // ---- what changed against the published set of the year before (the approver reads it first)
  const baseSet = createMemo(() => props.data.commitments.find((s) => s.year === year() - 1) ?? null);
  const summary = createMemo(() => (current() && baseSet() ? changeSummary(baseSet(), current()!.commitments) : null));
  const nameOf = (r: IndicatorRef) => (props.lang === 'zh-CN' ? r.label.zh : r.label.en || r.label.zh) || r.id;
  const targetWords = (t: unknown) => {
    const value = getAt(t, ['value']);
    const unit = String(getAt(t, ['unit']) ?? 'percent');
    const cmp = String(getAt(t, ['comparison']) ?? '');
    return typeof value === 'number' ? `${SIGNS[cmp] ?? cmp} ${formatFigure(props.lang, value, unit, c)}` : fieldText(value) || '—';
  };

  // ---- "last measured": the published results of the year the draft started from, else the
  // results engine on this device's records of that year, else why there is none
  const startYear = () => current()?.startedFrom ?? year() - 1;
  const [provisional, setProvisional] = createSignal<{ year: number; figures: Map<string, { value: number | null; met: boolean | null }> | null } | null>(null);
  // Counted again once what the device holds has settled (a new device pulls the season's
  // records after the page opens; counting every arriving page would keep a phone busy).
  const heldEvents = fromObservable<number>(device.db.events.count().$, 0);
  const heldRecords = fromObservable<number>(device.db.records.count().$, 0);
  const [held, setHeld] = createSignal(0);
  createEffect(() => {
    const n = heldEvents() + heldRecords();
    const timer = setTimeout(() => setHeld(n), 2000);
    onCleanup(() => clearTimeout(timer));
  });
  createEffect(
    on([startYear, held], ([y]) => {
      const commitments = props.data.commitments.find((s) => s.year === y);
      const published = props.data.results.some((r) => r.year === y && !r.sample && r.station === undefined);
      if (!commitments || published) {
        setProvisional({ year: y, figures: null });
        return;
      }
      if (provisional()?.year !== y) setProvisional(null);
      const asOf = Math.min(Date.now(), Date.parse(`${commitments.period.to}T23:59:59+08:00`));
      void provisionalResults(device.db, commitments, asOf)
        .then((computed) => {
          const any = computed.read.records + computed.read.events > 0;
          if (startYear() === y) setProvisional({ year: y, figures: any ? new Map(computed.figures.map((f) => [f.indicator, { value: f.value, met: f.met }])) : null });
        })
        .catch(() => setProvisional({ year: y, figures: null }));
    }),
  );
  const lastReadings = createMemo(() => {
    const p = provisional();
    if (p === null) return null;
    const measuredIds = props.data.commitments.find((s) => s.year === p.year)?.indicators.map((i) => i.id) ?? null;
    return indicatorsOf(form()).map((ind) => {
      const id = getAt(ind, ['id']);
      return lastMeasuredReading(typeof id === 'string' && id !== '' ? id : null, { year: p.year, results: props.data.results, measuredIds, provisional: p.figures });
    });
  });

  /** One list of the review: its heading with the count, an indicator a line. */
  const RefList = (p: { refs: readonly IndicatorRef[]; heading: string; class: string }) => (
    <Show when={p.refs.length}>
      <h4>{fill(p.heading, { n: p.refs.length })}</h4>
      <ul class={p.class}>
        <For each={p.refs}>{(r) => <li data-indicator={r.id}>{nameOf(r)}</li>}</For>
      </ul>
    </Show>
  );

  const failureReading = () => {
    const o = failedOutcome();
    return o ? readPublishFailure(o.reason, year()) : null;
  };

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
              <For each={years().includes(year()) ? years() : [year(), ...years()].sort((a, b) => b - a)}>{(y) => <option value={String(y)}>{fill(c.yearOption, { year: y })}</option>}</For>
            </select>
          </div>

          {/* The stage and the last outcome, always at the top: what the committee reads first. */}
          <div class="committee-top">
            <p class="committee-stage" role="status">
              {c.stageLabel}
              {colon()}
              <strong>{c.stage[state().stage]}</strong>
            </p>
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
                  <div class="publication-state failure-box" data-outcome="failed" data-cause={failureReading()?.cause} data-fixer={failureReading()?.fixer}>
                    <p>
                      <strong>{c.failureTitle}</strong>
                    </p>
                    <p class="failure-explained">{fill(c.failure[failureReading()!.cause], { files: failureReading()!.files.join(c.listSeparator) })}</p>
                    <p class="fixer">{fill(c.fixer[failureReading()!.fixer], { role: c.roles[props.approverRole] })}</p>
                    <details>
                      <summary>{c.technicalDetail}</summary>
                      <p>{fill(c.failedAt, { time: formatWhen(props.lang, o().at) })}</p>
                      <pre class="failure-reason">{o().reason}</pre>
                    </details>
                  </div>
                )}
              </Show>
            </div>
            <Show when={state().stage === 'approved' || state().stage === 'failed'}>
              <p>
                <button type="button" class="button" onClick={askToPublish} disabled={publishBlocked() !== null || pageWrite.busy()} aria-describedby={publishBlocked() === 'unsaved' ? 'publish-blocked' : undefined}>
                  {state().stage === 'failed' ? c.publishAgain : c.publish}
                </button>
              </p>
              <Show when={publishBlocked() === 'unsaved'}>
                <p class="notice" id="publish-blocked">{c.publishUnsaved}</p>
              </Show>
            </Show>
          </div>

          <Show when={pageWrite.saved()}>
            <p class="notice" role="status">{pageWrite.saved()}</p>
          </Show>
          <Show when={pageWrite.issues().length}>
            <div class="form-error" role="alert" id="approval-problems" tabindex="-1">
              <For each={pageWrite.issues().filter((i) => i.path === '')}>{(issue) => <p>{issue.message}</p>}</For>
              <Show when={pageWrite.issues().some((i) => i.path !== '')}>
                <ul>
                  <For each={pageWrite.issues().filter((i) => i.path !== '')}>
                    {(issue) => (
                      <li>
                        <a href={`#${fieldId(issue.path)}`}>{issue.message}</a>
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
                  <button type="button" class="button" onClick={start} disabled={pageWrite.busy()}>
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

                {/* Review first: what changed since last year, then approval (four eyes). */}
                <section class="committee-review committee-approval" aria-labelledby="committee-approval-heading">
                  <h3 id="committee-approval-heading">{c.review}</h3>
                  <Show when={summary()} fallback={<p>{c.noBase}</p>}>
                    {(sum) => (
                      <div class="change-summary" data-none={sum().none ? 'true' : 'false'}>
                        <Show when={!sum().none} fallback={<p>{fill(c.noChanges, { year: year() - 1 })}</p>}>
                          <p>{fill(c.reviewIntro, { year: year() - 1 })}</p>
                          <Show when={sum().targets.length}>
                            <h4>{fill(c.changedTargets, { n: sum().targets.length })}</h4>
                            <ul class="changed-targets">
                              <For each={sum().targets}>
                                {(t) => <li data-indicator={t.id}>{fill(c.targetChange, { name: nameOf(t), before: targetWords(t.before), after: targetWords(t.after) })}</li>}
                              </For>
                            </ul>
                          </Show>
                          <RefList refs={sum().added} heading={c.addedIndicators} class="added-indicators" />
                          <RefList refs={sum().removed} heading={c.removedIndicators} class="removed-indicators" />
                          <RefList refs={sum().measures} heading={c.changedMeasures} class="changed-measures" />
                          <RefList refs={sum().promises} heading={c.changedPromises} class="changed-promises" />
                          <Show when={sum().general.length}>
                            <p>{fill(c.changedGeneral, { fields: sum().general.map((g) => c.generalFields[g as 'title'] ?? g).join(c.listSeparator) })}</p>
                          </Show>
                        </Show>
                      </div>
                    )}
                  </Show>
                  <p class="draft-check" data-problems={problems().length}>
                    {problems().length ? fill(c.problemsCount, { n: problems().length }) : c.noProblems}
                  </p>
                  <Show when={state().approval}>
                    {(a) => <p class="approved-by">{fill(c.approvedBy, { name: a().author.name, time: formatWhen(props.lang, a().at) })}</p>}
                  </Show>
                  <Show when={!state().approval}>
                    <Show when={isApprover()} fallback={<p>{fill(c.approverOnly, { role: c.roles[props.approverRole] })}</p>}>
                      <Show when={!ownEdit()} fallback={<p class="notice own-edit">{fill(c.ownEdit, { role: c.roles[props.approverRole] })}</p>}>
                        <button type="button" class="button" onClick={approve} disabled={pageWrite.busy()}>
                          {c.approve}
                        </button>
                      </Show>
                    </Show>
                  </Show>
                </section>

                <Show when={unsaved()}>
                  <p class="notice">{c.unsaved}</p>
                </Show>
                <Show when={local() && local()!.base !== null && local()!.base !== revision().id}>
                  <p class="notice">{fill(c.newerRevision, { name: revision().author.name })}</p>
                </Show>
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
                  <DraftEditor lang={props.lang} c={c} englishOptional={!props.languages.includes('en')} set={form()!} onChange={changeForm} errors={(key) => byField().get(key)} last={lastReadings()} />
                  <div class="row-actions">
                    <button type="submit" class="button" disabled={!unsaved() || pageWrite.busy()}>
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
                    <Show when={commentTarget(commentRevision(), state().revisions, unsaved())}>
                      {(target) => (
                        <p class={target().unsaved ? 'notice comment-revision' : 'hint comment-revision'} data-revision={target().id}>
                          {fill(target().unsaved ? c.commentUnsaved : c.commentFor, { n: target().n })}
                        </p>
                      )}
                    </Show>
                    <button type="submit" class="button secondary" disabled={commentWrite.busy()}>
                      {c.comment}
                    </button>
                  </form>
                </section>
              </>
            )}
          </Show>
        </div>
      </Show>
    </section>
  );
}
