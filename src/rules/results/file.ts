import type { Bilingual } from '../../db/schema/common';
import type { Results } from '../../db/schema/results';
import { chinaDay } from '../chinaTime';
import type { ComputedResults } from './engine';

/**
 * The published file (`content/results/<year>.json`) of a computation: counts and figures
 * only. `computedAt` is the China day of `asOf`. Pure.
 */
export function toResultsFile(computed: ComputedResults, options: { sample?: boolean; note?: Bilingual } = {}): Results {
  return {
    year: computed.year,
    sample: options.sample ?? false,
    computedAt: chinaDay(Date.parse(computed.asOf)),
    period: { ...computed.period },
    ...(options.note ? { note: options.note } : {}),
    asOf: computed.asOf,
    ...(computed.station !== undefined ? { station: computed.station } : {}),
    figures: computed.figures.map((f) => ({
      indicator: f.indicator,
      value: f.value,
      ...(f.numerator !== undefined ? { numerator: f.numerator } : {}),
      ...(f.denominator !== undefined ? { denominator: f.denominator } : {}),
      ...(f.count !== undefined ? { count: f.count } : {}),
      target: f.target,
      met: f.met,
      ...(f.excluded !== undefined ? { excluded: f.excluded } : {}),
      ...(f.notPerStation ? { notPerStation: true as const } : {}),
      breakdown: {
        station: f.breakdown.station.map((c) => ({ ...c })),
        kind: f.breakdown.kind.map((c) => ({ ...c })),
        month: f.breakdown.month.map((c) => ({ ...c })),
      },
    })),
    hotspots: {
      complaintsByStation: [...computed.hotspots.complaintsByStation],
      repairsByFault: [...computed.hotspots.repairsByFault],
      requestsByKind: [...computed.hotspots.requestsByKind],
    },
    read: { ...computed.read },
    warnings: [...computed.warnings],
  };
}
