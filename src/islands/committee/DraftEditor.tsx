import { For, Index, Show, createMemo } from 'solid-js';
import { COMPARISONS, INDICATOR_CATEGORIES, TARGET_UNITS } from '../../db/schema/commitments';
import type { Lang } from '../../i18n';
import { fill } from '../../i18n';
import type { LastMeasuredReading } from '../../rules/committee/lastMeasured';
import {
  addIndicator,
  fieldKey as keyOf,
  fieldText,
  getAt,
  indicatorsOf,
  numberOrText,
  removeIndicator,
  setAt,
  type DraftSet,
} from '../../rules/committeeForm';
import type { PathKey } from '../../rules/committee/approvable';
import TextField from '../TextField';
import MeasureEditor from './MeasureEditor';
import { ownWordsFrom, promisePreview } from '../../rules/committee/promiseSentence';
import { tiedPromise, withoutPromise } from '../../rules/committee/promise';
import type { CommitteeStrings } from './types';
import { fieldId, formatFigure } from './view';

/**
 * The draft's form: the general fields, then one fieldset per indicator (words, target, how
 * it is measured) with the last measured value beside the target. It edits the set itself
 * (src/rules/committeeForm.ts); every change goes to `onChange`, which keeps it on the device.
 * `errors(key)` gives the Commitments schema's problems of a field, in the user's language.
 */
export default function DraftEditor(props: {
  lang: Lang;
  c: CommitteeStrings;
  /** The utility publishes in Chinese only (content/utility.yaml `languages`): English may be left blank. */
  englishOptional: boolean;
  set: DraftSet;
  onChange: (set: DraftSet) => void;
  errors: (key: string) => string | undefined;
  /** Per indicator, its last measured value or why there is none; null while the device counts. */
  last: readonly LastMeasuredReading[] | null;
}) {
  const c = props.c;
  const en = (label: string) => (props.englishOptional ? `${label}${c.englishOptional}` : label);
  const text = (path: readonly PathKey[]) => fieldText(getAt(props.set, path));
  const set = (path: readonly PathKey[], value: unknown) => props.onChange(setAt(props.set, path, value));
  const indicators = createMemo(() => indicatorsOf(props.set));

  /** A select whose current value is kept even when it is not one of the choices (nothing typed is lost). */
  const Select = (p: { path: readonly PathKey[]; label: string; options: readonly string[]; name: (o: string) => string }) => {
    const key = () => keyOf(p.path);
    const value = () => String(getAt(props.set, p.path) ?? '');
    const error = () => props.errors(key());
    return (
      <div class="field">
        <label for={fieldId(key())}>{p.label}</label>
        <select
          id={fieldId(key())}
          value={value()}
          onChange={(e) => set(p.path, e.currentTarget.value)}
          aria-invalid={error() ? 'true' : undefined}
          aria-describedby={error() ? `${fieldId(key())}-error` : undefined}
        >
          <Show when={!p.options.includes(value())}>
            <option value={value()}>{value()}</option>
          </Show>
          <For each={p.options}>{(o) => <option value={o}>{p.name(o)}</option>}</For>
        </select>
        <Show when={error()}>
          <p id={`${fieldId(key())}-error`} class="field-error">{error()}</p>
        </Show>
      </div>
    );
  };

  const Text = (p: { path: readonly PathKey[]; label: string; hint?: string; multiline?: boolean; type?: string; number?: boolean }) => {
    const key = () => keyOf(p.path);
    return (
      <TextField
        id={fieldId(key())}
        label={p.label}
        {...(p.hint ? { hint: p.hint } : {})}
        value={text(p.path)}
        onInput={(v) => set(p.path, p.number ? numberOrText(v) : v)}
        error={props.errors(key())}
        {...(p.multiline ? { multiline: true } : {})}
        {...(p.type ? { type: p.type } : {})}
        {...(p.number ? { inputMode: 'decimal' as const } : {})}
      />
    );
  };

  return (
    <div class="draft-editor">
      <fieldset>
        <legend>{c.general}</legend>
        <Text path={['title', 'zh']} label={c.titleZh} />
        <Text path={['title', 'en']} label={en(c.titleEn)} />
        <Text path={['period', 'from']} label={c.periodFrom} type="date" />
        <Text path={['period', 'to']} label={c.periodTo} type="date" />
      </fieldset>
      <h3 id={fieldId('indicators')} tabindex="-1">{c.indicators}</h3>
      <Show when={props.errors('indicators')}>
        <p class="field-error">{props.errors('indicators')}</p>
      </Show>
      <Index each={indicators()}>
        {(indicator, i) => {
          const at = (...rest: PathKey[]): PathKey[] => ['indicators', i, ...rest];
          const name = () => fieldText(getAt(indicator(), ['label', props.lang === 'zh-CN' ? 'zh' : 'en'])) || fieldText(getAt(indicator(), ['id']));
          const last = () => props.last?.[i] ?? null;
          const unit = () => String(getAt(indicator(), ['target', 'unit']) ?? 'percent');
          const lastText = () => {
            const l = last();
            if (props.last === null) return c.lastComputing;
            if (!l) return c.neverMeasured;
            switch (l.kind) {
              case 'measured':
                return fill(l.source === 'published' ? c.lastMeasured : c.lastProvisional, { value: formatFigure(props.lang, l.value, unit(), c), year: l.year });
              case 'new-indicator':
                return fill(c.lastNew, { year: l.year });
              case 'nothing-recorded':
                return fill(c.lastNothing, { year: l.year });
              case 'not-computed':
                return fill(c.lastNotComputed, { year: l.year });
            }
          };
          const ownWords = () => getAt(indicator(), ['promise']) !== undefined;
          return (
            <fieldset class="indicator-form" data-indicator={fieldText(getAt(indicator(), ['id']))} id={fieldId(keyOf(at()))} tabindex="-1">
              <legend>{fill(c.indicatorLegend, { n: i + 1, name: name() })}</legend>
              <Show when={props.errors(keyOf(at()))}>
                <p class="field-error">{props.errors(keyOf(at()))}</p>
              </Show>
              <div class="target-row">
                <Select path={at('target', 'comparison')} label={c.comparison} options={COMPARISONS} name={(o) => c.comparisons[o as keyof typeof c.comparisons] ?? o} />
                <Text path={at('target', 'value')} label={c.value} number />
                <Select path={at('target', 'unit')} label={c.unit} options={TARGET_UNITS} name={(o) => c.unitNames[o as keyof typeof c.unitNames] ?? o} />
              </div>
              <p class="last-measured" data-kind={last()?.kind ?? ''} data-last={last()?.kind === 'measured' ? (last() as { value: number }).value : ''}>{lastText()}</p>
              <Text path={at('id')} label={c.id} hint={c.idHint} />
              <Select path={at('category')} label={c.category} options={INDICATOR_CATEGORIES} name={(o) => c.categories[o as keyof typeof c.categories] ?? o} />
              <Text path={at('label', 'zh')} label={c.labelZh} />
              <Text path={at('label', 'en')} label={en(c.labelEn)} />
              <fieldset class="choices" id={fieldId(keyOf(at('promise')))}>
                <legend>{c.promiseMode}</legend>
                <For each={['generated', 'own'] as const}>
                  {(mode) => (
                    <label class="check">
                      <input
                        type="radio"
                        name={`promise-mode-${i}`}
                        checked={ownWords() === (mode === 'own')}
                        onChange={() => props.onChange(mode === 'own' ? setAt(props.set, at('promise'), ownWordsFrom(indicator(), c.wordsByLang)) : setAt(props.set, at(), withoutPromise(indicator())))}
                      />
                      {c.promiseModes[mode]}
                    </label>
                  )}
                </For>
              </fieldset>
              <Show when={ownWords()}>
                <p class="hint">{c.promiseHint}</p>
                <Text path={at('promise', 'zh')} label={c.promiseZh} multiline />
                <Text path={at('promise', 'en')} label={en(c.promiseEn)} multiline />
                <Show when={props.errors(keyOf(at('promise', 'zh'))) || props.errors(keyOf(at('promise', 'en')))}>
                  <button type="button" class="button secondary" onClick={() => props.onChange(setAt(props.set, at('promise'), tiedPromise(indicator())))}>
                    {c.tieToTarget}
                  </button>
                </Show>
              </Show>
              <p class="promise-preview" data-promise={promisePreview(indicator(), c.words, props.lang === 'zh-CN' ? 'zh' : 'en') ?? ''}>
                <strong>{c.promisePreview}</strong> {promisePreview(indicator(), c.words, props.lang === 'zh-CN' ? 'zh' : 'en') ?? c.noPromise}
              </p>
              <MeasureEditor c={c} path={at('measure')} measure={getAt(indicator(), ['measure'])} onChange={(m) => set(at('measure'), m)} errors={props.errors} />
              <button type="button" class="button secondary" onClick={() => props.onChange(removeIndicator(props.set, i))}>
                {c.removeIndicator}
              </button>
            </fieldset>
          );
        }}
      </Index>
      <button type="button" class="button secondary" onClick={() => props.onChange(addIndicator(props.set))}>
        {c.addIndicator}
      </button>
    </div>
  );
}
