import type { Condition, Duration, Measure, Population, Target } from '../db/schema/commitments';
import { fill, type Dictionary } from '../i18n';

/** The words these sentences are made of (the committee's form carries only these). */
export type MeasureWords = Pick<Dictionary, 'measure' | 'requestKinds' | 'requestKindLabels' | 'milestones' | 'duration' | 'units'>;

/**
 * Turns an indicator's machine-readable definition into the sentence the public reads,
 * so the "how it is measured" text can never drift from what the computation does.
 */
export function describeMeasure(measure: Measure, t: MeasureWords): string {
  switch (measure.shape) {
    case 'ratio': {
      const of = describePopulation(measure.of, t);
      return fill(t.measure.ratio, { of, where: describeCondition(measure.where, t) });
    }
    case 'mean':
      return fill(t.measure.mean, { of: describePopulation(measure.of, t), score: t.measure.scores[measure.score] });
    case 'continuous-supply':
      return measure.eachMonth ? `${t.measure.continuousSupply}${t.measure.eachMonth}` : t.measure.continuousSupply;
    case 'availability':
      return t.measure.availability;
  }
}

export function describePopulation(population: Population, t: MeasureWords): string {
  const m = t.measure;
  switch (population.records) {
    case 'requests': {
      const kinds = population.kinds.map((k) => t.requestKinds[k]).join(m.kindSeparator);
      return population.reached
        ? fill(m.requestsReached, { kinds, milestone: t.milestones[population.reached] })
        : fill(m.requests, { kinds });
    }
    case 'outages': {
      const base = population.planned === undefined ? m.outages : population.planned ? m.plannedOutages : m.unplannedOutages;
      return `${base}${population.excludeHeatSource ? m.excludeHeatSource : ''}${population.excludeEmergencies ? m.excludeEmergencies : ''}`;
    }
    case 'calls':
      return population.line === 'hotline' ? m.hotlineCalls : m.emergencyCalls;
    case 'callbacks':
      return population.kinds?.length
        ? fill(m.callbacksOf, { kinds: population.kinds.map((k) => t.requestKinds[k]).join(m.kindSeparator) })
        : m.callbacks;
    case 'households':
      return m.households;
    case 'temperature-tests':
      return m.temperatureTests;
  }
}

export function describeCondition(condition: Condition, t: MeasureWords): string {
  const m = t.measure;
  switch (condition.test) {
    case 'elapsed': {
      const from = t.milestones[condition.from];
      const to = t.milestones[condition.to];
      return condition.atMost
        ? fill(m.elapsedAtMost, { from, to, duration: formatDuration(condition.atMost, t) })
        : fill(m.elapsedAtLeast, { from, to, duration: formatDuration(condition.atLeast as Duration, t) });
    }
    case 'reached':
      return fill(m.reached, { milestones: condition.anyOf.map((x) => t.milestones[x]).join(m.or) });
    case 'field-at-most':
      return fill(m.ringsAtMost, { value: condition.value });
    case 'field-one-of':
      return fill(m.satisfactionOneOf, {
        values: condition.values
          .map((value) => (m.satisfaction as Record<string, string>)[value] ?? value)
          .join(m.or),
      });
    case 'rooms-at-least':
      return fill(m.roomsAtLeast, { celsius: condition.celsius });
  }
}

export function formatDuration(duration: Duration, t: MeasureWords): string {
  return fill(t.duration[duration.unit], { n: duration.value });
}

const COMPARISON_SIGNS: Record<Target['comparison'], string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

export function formatTarget(target: Target, t: MeasureWords): string {
  return `${COMPARISON_SIGNS[target.comparison]} ${formatValue(target.value, target.unit, t)}`;
}

export function formatValue(value: number, unit: Target['unit'], t: MeasureWords): string {
  const digits = unit === 'percent' ? (Number.isInteger(value) ? 0 : value >= 99 ? 2 : 1) : 1;
  const number = String(Number(value.toFixed(digits)));
  return unit === 'percent' ? `${number} %` : `${number} ${t.units[unit]}`;
}
