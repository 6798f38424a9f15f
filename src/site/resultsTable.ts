import type { Commitments, Indicator } from '../db/schema/commitments';
import type { Cell, Figure, Results } from '../db/schema/results';
import { meetsTarget } from '../rules/targets';
import { roundTo } from '../rules/rounding';
import type { Target } from '../db/schema/commitments';

export interface IndicatorResult {
  indicator: Indicator;
  figure: Figure | undefined;
  /** null when there was nothing to measure (no figure, or a zero denominator). */
  value: number | null;
  met: boolean | null;
  /** The same indicator's figure the year before, when that year measured it. */
  previous?: { year: number; value: number | null; met: boolean | null };
}

/** The verdict of a figure: the computed one when the file has it (judged on the exact value), else from the target. */
function verdict(indicator: Indicator, figure: Figure | undefined): boolean | null {
  if (figure?.met !== undefined) return figure.met;
  return meetsTarget(indicator.target, figure?.value ?? null);
}

/**
 * Pairs each committed indicator with its measured figure, and with the previous year's
 * figure of the same indicator id when there is one; an indicator without a figure is
 * "not measured".
 */
export function resultsAgainstCommitments(commitments: Commitments, results: Results, previous?: Results): IndicatorResult[] {
  const byId = new Map(results.figures.map((f) => [f.indicator, f]));
  const before = new Map((previous?.figures ?? []).map((f) => [f.indicator, f]));
  return commitments.indicators.map((indicator) => {
    const figure = byId.get(indicator.id);
    const value = figure?.value ?? null;
    const last = before.get(indicator.id);
    return {
      indicator,
      figure,
      value,
      met: verdict(indicator, figure),
      ...(previous && last ? { previous: { year: previous.year, value: last.value, met: last.met ?? meetsTarget(indicator.target, last.value) } } : {}),
    };
  });
}

/**
 * The months of a figure defined per month (cells judged against the target, continuous
 * supply's `eachMonth`), and those below target; null when the figure judges no month.
 */
export function monthlyVerdicts(figure: Figure | undefined): { months: Cell[]; below: Cell[] } | null {
  const months = (figure?.breakdown?.month ?? []).filter((c) => c.met !== undefined || c.suppressed);
  if (!months.some((c) => c.met !== undefined)) return null;
  return { months, below: months.filter((c) => c.met === false) };
}

export function countOutcomes(rows: IndicatorResult[]): { met: number; notMet: number; notMeasured: number } {
  return {
    met: rows.filter((r) => r.met === true).length,
    notMet: rows.filter((r) => r.met === false).length,
    notMeasured: rows.filter((r) => r.met === null).length,
  };
}

/** The results of the year before `year`, if published. */
export function previousYear(all: readonly Results[], year: number): Results | undefined {
  return all.find((r) => r.year === year - 1);
}

export const BREAKDOWN_DIMENSIONS = ['station', 'kind', 'month'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

/** The breakdown cells of a figure worth showing (dimensions with at least two cells, or one cell withheld). */
export function breakdownOf(figure: Figure | undefined): { dimension: BreakdownDimension; cells: Cell[] }[] {
  if (!figure?.breakdown) return [];
  return BREAKDOWN_DIMENSIONS.map((dimension) => ({ dimension, cells: figure.breakdown![dimension] })).filter((b) => b.cells.length > 1);
}

export interface CsvHeadings {
  indicator: string;
  label: string;
  dimension: string;
  key: string;
  target: string;
  value: string;
  numerator: string;
  denominator: string;
  count: string;
  met: string;
  previous: string;
  suppressed: string;
  all: string;
  yes: string;
  no: string;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(x: string | number | null | undefined): string {
  if (x === null || x === undefined) return '';
  const s = String(x);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Every figure of a year as CSV: one line per indicator (dimension "all"), then one per
 * breakdown cell. Withheld cells (fewer than 5 records) carry no numbers. A month judged
 * against the target (continuous supply, defined per month) says so in the "met" column. Counts only: the
 * file holds no personal data. Labels in the page's language (`pickLabel`).
 */
export function resultsCsv(rows: IndicatorResult[], h: CsvHeadings, pickLabel: (i: Indicator) => string): string {
  const yesNo = (b: boolean | null | undefined) => (b === null || b === undefined ? '' : b ? h.yes : h.no);
  const lines = [[h.indicator, h.label, h.dimension, h.key, h.target, h.value, h.numerator, h.denominator, h.count, h.met, h.previous, h.suppressed].map(field).join(',')];
  for (const r of rows) {
    const target = `${r.indicator.target.comparison} ${r.indicator.target.value} ${r.indicator.target.unit}`;
    const f = r.figure;
    lines.push(
      [r.indicator.id, pickLabel(r.indicator), h.all, '', target, r.value, f?.numerator, f?.denominator, f?.count, yesNo(r.met), r.previous?.value, '']
        .map(field)
        .join(','),
    );
    for (const dimension of BREAKDOWN_DIMENSIONS) {
      for (const c of f?.breakdown?.[dimension] ?? []) {
        lines.push(
          [r.indicator.id, pickLabel(r.indicator), dimension, c.key, target, c.value, c.numerator, c.denominator, c.count, yesNo(c.met), '', c.suppressed ? h.yes : '']
            .map(field)
            .join(','),
        );
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A figure as the page prints it: to the usual decimals (whole percents, 2 decimals from 99 %,
 * 1 for scores), but with more when rounding would misstate the verdict — 99.997 % of a 100 %
 * target is "99.997 %", never "100 %" beside "not met". Unit text from the dictionary.
 */
export function formatFigure(value: number, target: Target, met: boolean | null, unitText: string): string {
  let digits = target.unit === 'percent' ? (Number.isInteger(value) ? 0 : value >= 99 ? 2 : 1) : 1;
  while (digits < 6 && met !== null && meetsTarget(target, roundTo(value, digits)) !== met) digits += 1;
  const number = String(roundTo(value, digits));
  return target.unit === 'percent' ? `${number} %` : `${number} ${unitText}`;
}

/**
 * The home page's glance at a year's results: how many indicators were met, not met and not
 * measured, judged against that year's commitments when they are published, else by the
 * verdicts the results file carries.
 */
export function glanceAtResults(results: Results, commitments: Commitments | undefined): { met: number; notMet: number; notMeasured: number } {
  if (commitments) return countOutcomes(resultsAgainstCommitments(commitments, results));
  return {
    met: results.figures.filter((f) => f.value !== null && f.met === true).length,
    notMet: results.figures.filter((f) => f.value !== null && f.met === false).length,
    notMeasured: results.figures.filter((f) => f.value === null || f.met === undefined || f.met === null).length,
  };
}

/**
 * The results the home page may show as the utility's own: the year before its newest
 * commitments (the newest of its own service; or the newest older results), and only when that year's commitments are of the
 * utility's own service (content/utility.yaml `service`). A set of another service (the
 * sample gas company beside a heating utility) is never the glance: `example` names it, to be
 * linked as a sample only when the file says it is one.
 */
export function resultsForHome<C extends Pick<Commitments, 'year' | 'service'>, R extends Pick<Results, 'year' | 'sample'>>(
  service: Commitments['service'],
  allCommitments: readonly C[],
  allResults: readonly R[],
): { own: R | undefined; example: R | undefined; latestCommitments: C | undefined } {
  const latestCommitments = allCommitments.find((c) => c.service === service);
  const serviceOf = (year: number) => allCommitments.find((c) => c.year === year)?.service;
  const before = latestCommitments ? allResults.filter((r) => r.year < latestCommitments.year) : [...allResults];
  const ownCandidates = before.filter((r) => serviceOf(r.year) === service);
  const own = latestCommitments ? (ownCandidates.find((r) => r.year === latestCommitments.year - 1) ?? ownCandidates[0]) : ownCandidates[0];
  const example = own ? undefined : allResults.find((r) => r.sample && serviceOf(r.year) !== service);
  return { own, example, latestCommitments };
}
