import type { CalendarYear } from './types';

/**
 * China, 2025: the State Council's holiday arrangement (国务院办公厅关于2025年部分节假日安排的通知,
 * 国办发明电〔2024〕12号, published Nov 2024). From 2025 the Spring Festival includes New
 * Year's Eve (除夕) and Labour Day has two statutory days, hence 8 and 5 days off.
 * Every day of each holiday block is listed, weekend days included.
 */
export const CN_2025: CalendarYear = {
  year: 2025,
  holidays: [
    // 元旦 New Year: 1 Jan (Wed), one day, no adjusted working day.
    '2025-01-01',
    // 春节 Spring Festival: 28 Jan (除夕, Tue) – 4 Feb (Tue).
    '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31',
    '2025-02-01', '2025-02-02', '2025-02-03', '2025-02-04',
    // 清明节 Qingming: 4–6 Apr (Fri–Sun).
    '2025-04-04', '2025-04-05', '2025-04-06',
    // 劳动节 Labour Day: 1–5 May (Thu–Mon).
    '2025-05-01', '2025-05-02', '2025-05-03', '2025-05-04', '2025-05-05',
    // 端午节 Dragon Boat: 31 May – 2 Jun (Sat–Mon).
    '2025-05-31', '2025-06-01', '2025-06-02',
    // 国庆节 + 中秋节 National Day and Mid-Autumn together: 1–8 Oct (Wed–Wed).
    '2025-10-01', '2025-10-02', '2025-10-03', '2025-10-04',
    '2025-10-05', '2025-10-06', '2025-10-07', '2025-10-08',
  ],
  adjustedWorkdays: [
    '2025-01-26', // Sun, for the Spring Festival
    '2025-02-08', // Sat, for the Spring Festival
    '2025-04-27', // Sun, for Labour Day
    '2025-09-28', // Sun, for National Day
    '2025-10-11', // Sat, for National Day
  ],
};
