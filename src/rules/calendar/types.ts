/**
 * One year of a working-day calendar, as published (domain.md, "Working day": weekends and
 * public holidays off, adjusted working weekends (调休) on; the arrangement changes every
 * year, so it is data).
 */
export interface CalendarYear {
  readonly year: number;
  /** Days off (YYYY-MM-DD): every day of each public-holiday block, weekend days included. */
  readonly holidays: readonly string[];
  /** Weekend days that are working days (调休), YYYY-MM-DD. */
  readonly adjustedWorkdays: readonly string[];
}
