import { DURATION_UNITS } from '../../db/schema/commitments';
import { CALLBACK_OUTCOMES } from '../../db/schema/events/payloads';
import { VIEWS } from '../../db/schema/events/fields';
import { MILESTONES, OUTAGE_MILESTONES, REQUEST_MILESTONES } from '../../db/schema/milestone';
import { REQUEST_KINDS } from '../../db/schema/requestKind';

/**
 * How a figure is measured, edited as a form of choices instead of JSON (issue 23 item 2):
 * the shape, the records counted, the condition and its limit. Each change of a choice that
 * others depend on (the shape, the records, the test) fills the dependent parts with a
 * complete default, so the measure stays one the schema accepts; the form never needs JSON.
 * The choices are the Commitments schema's own (src/db/schema/commitments.ts); a value the
 * form does not know (a newer shape) is kept as it is and shown in the JSON view.
 */

export type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export const MEASURE_SHAPES = ['ratio', 'mean', 'continuous-supply', 'availability'] as const;
export const POPULATIONS = ['requests', 'outages', 'calls', 'callbacks', 'households', 'temperature-tests'] as const;
export const CONDITION_TESTS = ['elapsed', 'reached', 'field-at-most', 'field-one-of', 'rooms-at-least'] as const;
export const BOUNDS = ['atMost', 'atLeast'] as const;
export const LINES = ['hotline', 'emergency'] as const;
export const SCORES = ['attitude', 'ability'] as const;


export type MeasureShape = (typeof MEASURE_SHAPES)[number];
export type PopulationKind = (typeof POPULATIONS)[number];
export type ConditionTest = (typeof CONDITION_TESTS)[number];

/** A complete population of each kind, as a new indicator starts with it. */
export function defaultPopulation(records: PopulationKind): Json {
  switch (records) {
    case 'requests':
      return { records, kinds: ['repair'] };
    case 'outages':
      return { records };
    case 'calls':
      return { records, line: 'hotline' };
    case 'callbacks':
      return { records };
    case 'households':
      return { records };
    case 'temperature-tests':
      return { records, signedOnly: true };
  }
}

/** The condition that fits the records best (what a committee would most likely mean). */
const CONDITION_FOR: Record<PopulationKind, ConditionTest> = {
  requests: 'elapsed',
  outages: 'elapsed',
  calls: 'field-at-most',
  callbacks: 'field-one-of',
  households: 'reached',
  'temperature-tests': 'rooms-at-least',
};

/** A complete condition of each test; milestones chosen among those of the records counted. */
export function defaultCondition(test: ConditionTest, records: unknown = 'requests'): Json {
  const outage = records === 'outages';
  switch (test) {
    case 'elapsed':
      return outage
        ? { test, from: 'started', to: 'restored', atMost: { value: 24, unit: 'hours' } }
        : { test, from: 'submitted', to: 'first-reply', atMost: { value: 24, unit: 'hours' } };
    case 'reached':
      return { test, anyOf: records === 'households' ? ['inspected', 'nobody-home'] : ['resolved'] };
    case 'field-at-most':
      return { test, field: 'rings', value: 3 };
    case 'field-one-of':
      return { test, field: 'satisfaction', values: ['very-satisfied', 'satisfied'] };
    case 'rooms-at-least':
      return { test, celsius: 18 };
  }
}

/** A complete measure of each shape, keeping the records counted where the shape allows them. */
export function withShape(measure: unknown, shape: MeasureShape): Json {
  const of = isObject(measure) && isObject(measure.of) ? measure.of : undefined;
  switch (shape) {
    case 'ratio': {
      const population = of ?? defaultPopulation('requests');
      const records = (POPULATIONS as readonly unknown[]).includes(population.records) ? (population.records as PopulationKind) : 'requests';
      return { shape, of: population, where: defaultCondition(CONDITION_FOR[records], records) };
    }
    case 'mean':
      return { shape, of: of?.records === 'callbacks' ? of : defaultPopulation('callbacks'), score: 'attitude' };
    case 'continuous-supply':
      return { shape, of: of?.records === 'outages' ? of : defaultPopulation('outages') };
    case 'availability':
      return { shape, line: 'hotline' };
  }
}

/** The ratio's records changed: a complete population, and a condition that fits it. */
export function withRecords(measure: unknown, records: PopulationKind): Json {
  const base = isObject(measure) ? measure : { shape: 'ratio' };
  return { ...base, of: defaultPopulation(records), ...(base.shape === 'ratio' ? { where: defaultCondition(CONDITION_FOR[records], records) } : {}) };
}

/** The ratio's test changed: a complete condition of it. */
export function withTest(measure: unknown, test: ConditionTest): Json {
  const base = isObject(measure) ? measure : { shape: 'ratio' };
  const records = isObject(base.of) ? base.of.records : undefined;
  return { ...base, where: defaultCondition(test, records) };
}

/** Which bound an elapsed condition has: a deadline (at most) or a notice period (at least). */
export function boundOf(condition: unknown): (typeof BOUNDS)[number] {
  return isObject(condition) && condition.atLeast !== undefined && condition.atMost === undefined ? 'atLeast' : 'atMost';
}

/** An elapsed condition with its limit moved to the other bound (the limit itself kept). */
export function withBound(condition: unknown, bound: (typeof BOUNDS)[number]): Json {
  const c = isObject(condition) ? condition : {};
  const limit = c.atMost ?? c.atLeast ?? { value: 24, unit: 'hours' };
  const { atMost: _m, atLeast: _l, ...rest } = c;
  return { ...rest, [bound]: limit };
}

/** A list with `value` added or taken out (the order of `all` kept), for the form's check boxes. */
export function toggled<T>(list: unknown, value: T, on: boolean, all: readonly T[]): T[] {
  const now = new Set(Array.isArray(list) ? (list as T[]) : []);
  if (on) now.add(value);
  else now.delete(value);
  return all.filter((x) => now.has(x));
}

/** The milestones a condition can name for the records counted. */
export function milestonesFor(records: unknown): readonly string[] {
  if (records === 'outages') return OUTAGE_MILESTONES;
  if (records === 'requests' || records === 'households' || records === 'callbacks') return REQUEST_MILESTONES;
  return MILESTONES;
}

/** The values a `field-one-of` condition can choose among. */
export function fieldValues(field: unknown): readonly string[] {
  return field === 'outcome' ? CALLBACK_OUTCOMES : VIEWS;
}

/** Whether the form knows this measure's shape (else it is shown as JSON only). */
export function isKnownShape(measure: unknown): boolean {
  return isObject(measure) && (MEASURE_SHAPES as readonly unknown[]).includes(measure.shape);
}
