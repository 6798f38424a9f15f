import { For, Show, type JSX } from 'solid-js';
import * as v from 'valibot';
import { DURATION_UNITS, Measure } from '../../db/schema/commitments';
import { REQUEST_KINDS } from '../../db/schema/requestKind';
import type { PathKey } from '../../rules/committee/approvable';
import {
  BOUNDS,
  CONDITION_TESTS,
  LINES,
  MEASURE_SHAPES,
  POPULATIONS,
  SCORES,
  boundOf,
  fieldValues,
  isKnownShape,
  milestonesFor,
  toggled,
  withBound,
  withRecords,
  withShape,
  withTest,
  type ConditionTest,
  type MeasureShape,
  type PopulationKind,
} from '../../rules/committee/measureForm';
import { fieldKey, fieldText, getAt, measureFromText, measureText, numberOrText, setAt } from '../../rules/committeeForm';
import { describeMeasure } from '../../site/describeMeasure';
import type { CommitteeStrings } from './types';
import { fieldId } from './view';

/**
 * How a figure is measured, as choices in words (issue 23 item 2): the kind of figure, the
 * records counted, what counts as met and its limit, each choice named in the reader's
 * language; the sentence the public page shows beside it, as it changes; the JSON only under
 * "Advanced". Every choice goes through src/rules/committee/measureForm.ts, which keeps the
 * measure complete; this component only lays the choices out.
 */
/** "达标比例：符合条件的…" → short "达标比例", meaning the whole; a name without a meaning is its own short name. */
function splitMeaning(name: string): { short: string; meaning: string | null } {
  const at = name.search(/：|: |（| \(/);
  return at > 0 ? { short: name.slice(0, at), meaning: name } : { short: name, meaning: null };
}

export default function MeasureEditor(props: {
  c: CommitteeStrings;
  /** Where the measure is in the set: ['indicators', 2, 'measure']. */
  path: readonly PathKey[];
  measure: unknown;
  onChange: (measure: unknown) => void;
  errors: (key: string) => string | undefined;
}) {
  const m = () => props.c.measureForm;
  const w = () => props.c.words;
  const at = (...rest: PathKey[]) => fieldId(fieldKey([...props.path, ...rest]));
  const get = (...rest: PathKey[]) => getAt(props.measure, rest);
  const put = (rest: PathKey[], value: unknown) => props.onChange(setAt(props.measure, rest, value));
  const records = () => get('of', 'records');
  const preview = () => {
    const parsed = v.safeParse(Measure, props.measure);
    return parsed.success ? describeMeasure(parsed.output, w()) : null;
  };

  /**
   * A choice whose options carry their meaning ("达标比例：符合条件的记录占全部记录的百分比"):
   * the list shows the short name (a phone cuts long options), the meaning of the chosen one
   * is written out under it.
   */
  const Choice = (p: { id: string; label: string; value: string; options: readonly string[]; name: (o: string) => string; onPick: (o: string) => void }) => {
    const meaning = () => (p.options.includes(p.value) ? splitMeaning(p.name(p.value)).meaning : null);
    return (
      <div class="field">
        <label for={p.id}>{p.label}</label>
        <select id={p.id} value={p.value} onChange={(e) => p.onPick(e.currentTarget.value)} aria-describedby={meaning() ? `${p.id}-meaning` : undefined}>
          <Show when={!p.options.includes(p.value)}>
            <option value={p.value}>{p.value}</option>
          </Show>
          <For each={p.options}>{(o) => <option value={o}>{splitMeaning(p.name(o)).short}</option>}</For>
        </select>
        <Show when={meaning()}>
          <p class="hint" id={`${p.id}-meaning`}>
            {meaning()}
          </p>
        </Show>
      </div>
    );
  };

  const Boxes = (p: { legend: string; id: string; all: readonly string[]; chosen: unknown; name: (o: string) => string; onPick: (list: string[]) => void }) => (
    <fieldset class="choices" id={p.id}>
      <legend>{p.legend}</legend>
      <For each={p.all}>
        {(o) => (
          <label class="check">
            <input type="checkbox" checked={Array.isArray(p.chosen) && p.chosen.includes(o)} onChange={(e) => p.onPick(toggled(p.chosen, o, e.currentTarget.checked, p.all))} />
            {p.name(o)}
          </label>
        )}
      </For>
    </fieldset>
  );

  const Num = (p: { id: string; label: string; path: PathKey[] }) => (
    <div class="field">
      <label for={p.id}>{p.label}</label>
      <input id={p.id} type="text" inputMode="decimal" value={fieldText(get(...p.path))} onInput={(e) => put(p.path, numberOrText(e.currentTarget.value))} />
    </div>
  );

  const milestone = (o: string) => (w().milestones as Record<string, string>)[o] ?? o;
  const kindName = (o: string) => (w().requestKindLabels as Record<string, string>)[o] ?? o;

  const population = (): JSX.Element => (
    <>
      <Show when={records() === 'requests'}>
        <Boxes legend={m().kinds} id={at('of', 'kinds')} all={REQUEST_KINDS} chosen={get('of', 'kinds')} name={kindName} onPick={(list) => put(['of', 'kinds'], list)} />
        <Choice
          id={at('of', 'reached')}
          label={m().reached}
          value={String(get('of', 'reached') ?? '')}
          options={['', ...milestonesFor('requests')]}
          name={(o) => (o === '' ? m().reachedAll : milestone(o))}
          onPick={(o) => {
            const of = { ...(get('of') as object) } as Record<string, unknown>;
            if (o === '') delete of.reached;
            else of.reached = o;
            put(['of'], of);
          }}
        />
      </Show>
      <Show when={records() === 'outages'}>
        <Choice
          id={at('of', 'planned')}
          label={m().planned}
          value={get('of', 'planned') === true ? 'planned' : get('of', 'planned') === false ? 'unplanned' : 'all'}
          options={['all', 'planned', 'unplanned']}
          name={(o) => m().plannedChoices[o as 'all']}
          onPick={(o) => {
            const of = { ...(get('of') as object) } as Record<string, unknown>;
            if (o === 'all') delete of.planned;
            else of.planned = o === 'planned';
            put(['of'], of);
          }}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={get('of', 'excludeHeatSource') === true}
            onChange={(e) => {
              const of = { ...(get('of') as object) } as Record<string, unknown>;
              if (e.currentTarget.checked) of.excludeHeatSource = true;
              else delete of.excludeHeatSource;
              put(['of'], of);
            }}
          />
          {m().excludeHeatSource}
        </label>
      </Show>
      <Show when={records() === 'calls'}>
        <Choice id={at('of', 'line')} label={m().line} value={String(get('of', 'line') ?? '')} options={LINES} name={(o) => m().lines[o as 'hotline']} onPick={(o) => put(['of', 'line'], o)} />
      </Show>
      <Show when={records() === 'callbacks'}>
        <Boxes
          legend={m().callbackKinds}
          id={at('of', 'kinds')}
          all={REQUEST_KINDS}
          chosen={get('of', 'kinds')}
          name={kindName}
          onPick={(list) => {
            const of = { ...(get('of') as object) } as Record<string, unknown>;
            if (list.length) of.kinds = list;
            else delete of.kinds;
            put(['of'], of);
          }}
        />
      </Show>
      <Show when={records() === 'temperature-tests'}>
        <p class="hint">{m().signedOnly}</p>
      </Show>
    </>
  );

  const condition = (): JSX.Element => {
    const test = () => String(get('where', 'test') ?? '');
    const bound = () => boundOf(get('where'));
    return (
      <>
        <Choice id={at('where', 'test')} label={m().test} value={test()} options={CONDITION_TESTS} name={(o) => m().tests[o as ConditionTest]} onPick={(o) => props.onChange(withTest(props.measure, o as ConditionTest))} />
        <Show when={test() === 'elapsed'}>
          <div class="target-row">
            <Choice id={at('where', 'from')} label={m().from} value={String(get('where', 'from') ?? '')} options={milestonesFor(records())} name={milestone} onPick={(o) => put(['where', 'from'], o)} />
            <Choice id={at('where', 'to')} label={m().to} value={String(get('where', 'to') ?? '')} options={milestonesFor(records())} name={milestone} onPick={(o) => put(['where', 'to'], o)} />
          </div>
          <Choice id={at('where', 'bound')} label={m().bound} value={bound()} options={BOUNDS} name={(o) => m().bounds[o as 'atMost']} onPick={(o) => put(['where'], withBound(get('where'), o as 'atMost'))} />
          <div class="target-row">
            <Num id={at('where', bound(), 'value')} label={m().limit} path={['where', bound(), 'value']} />
            <Choice
              id={at('where', bound(), 'unit')}
              label={m().unit}
              value={String(get('where', bound(), 'unit') ?? '')}
              options={DURATION_UNITS}
              name={(o) => m().units[o as 'hours']}
              onPick={(o) => put(['where', bound(), 'unit'], o)}
            />
          </div>
        </Show>
        <Show when={test() === 'reached'}>
          <Boxes legend={m().anyOf} id={at('where', 'anyOf')} all={milestonesFor(records())} chosen={get('where', 'anyOf')} name={milestone} onPick={(list) => put(['where', 'anyOf'], list)} />
        </Show>
        <Show when={test() === 'field-at-most'}>
          <Num id={at('where', 'value')} label={m().rings} path={['where', 'value']} />
        </Show>
        <Show when={test() === 'field-one-of'}>
          <Choice
            id={at('where', 'field')}
            label={m().field}
            value={String(get('where', 'field') ?? '')}
            options={['satisfaction', 'outcome']}
            name={(o) => m().fields[o as 'outcome']}
            onPick={(o) => put(['where'], { test: 'field-one-of', field: o, values: [fieldValues(o)[0]] })}
          />
          <Boxes
            legend={m().values}
            id={at('where', 'values')}
            all={fieldValues(get('where', 'field'))}
            chosen={get('where', 'values')}
            name={(o) => (m().outcomes as Record<string, string>)[o] ?? (w().measure.satisfaction as Record<string, string>)[o] ?? o}
            onPick={(list) => put(['where', 'values'], list)}
          />
        </Show>
        <Show when={test() === 'rooms-at-least'}>
          <Num id={at('where', 'celsius')} label={m().celsius} path={['where', 'celsius']} />
        </Show>
      </>
    );
  };

  const shape = () => String(get('shape') ?? '');
  const key = () => fieldKey(props.path);
  return (
    <div class="measure-editor">
      <Choice id={at('shape')} label={m().shape} value={shape()} options={MEASURE_SHAPES} name={(o) => m().shapes[o as MeasureShape]} onPick={(o) => props.onChange(withShape(props.measure, o as MeasureShape))} />
      <Show when={isKnownShape(props.measure)} fallback={<p class="hint">{m().unknownShape}</p>}>
        <Show when={shape() === 'ratio'}>
          <Choice id={at('of', 'records')} label={m().records} value={String(records() ?? '')} options={POPULATIONS} name={(o) => m().recordsNames[o as PopulationKind]} onPick={(o) => props.onChange(withRecords(props.measure, o as PopulationKind))} />
          {population()}
          {condition()}
        </Show>
        <Show when={shape() === 'mean'}>
          <Choice id={at('score')} label={m().score} value={String(get('score') ?? '')} options={SCORES} name={(o) => w().measure.scores[o as 'attitude']} onPick={(o) => put(['score'], o)} />
          {population()}
        </Show>
        <Show when={shape() === 'continuous-supply'}>{population()}</Show>
        <Show when={shape() === 'availability'}>
          <Choice id={at('line')} label={m().line} value={String(get('line') ?? '')} options={LINES} name={(o) => m().lines[o as 'hotline']} onPick={(o) => put(['line'], o)} />
        </Show>
      </Show>
      <Show when={props.errors(key())}>
        <p id={`${fieldId(key())}-error`} class="field-error">{props.errors(key())}</p>
      </Show>
      <Show when={preview()}>
        <p class="measure-preview">
          <strong>{props.c.measurePreview}</strong> {preview()}
        </p>
      </Show>
      <details>
        <summary>{m().advanced}</summary>
        <div class="field">
          <label for={fieldId(key())}>{props.c.measure}</label>
          <p id={`${fieldId(key())}-hint`} class="hint">{props.c.measureHint}</p>
          <textarea
            id={fieldId(key())}
            class="measure-json"
            rows="6"
            spellcheck={false}
            value={measureText(props.measure)}
            onChange={(e) => props.onChange(measureFromText(e.currentTarget.value))}
            aria-invalid={props.errors(key()) ? 'true' : undefined}
            aria-describedby={`${fieldId(key())}-hint${props.errors(key()) ? ` ${fieldId(key())}-error` : ''}`}
          />
        </div>
      </details>
    </div>
  );
}
