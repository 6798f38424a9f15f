import type { CalendarYear } from './types';

/**
 * China, 2026: the State Council's holiday arrangement (国务院办公厅关于2026年部分节假日安排的通知,
 * 国办发明电〔2025〕7号, published Nov 2025). Every day of each holiday block is listed,
 * weekend days included.
 *
 * Doubt: this is the most recent notice and was checked from memory only (dates agree with
 * the lunar calendar: 除夕 16 Feb, 端午 19 Jun, 中秋 25 Sep, 清明 5 Apr). Compare it with the
 * published notice before relying on it for a published figure.
 */
export const CN_2026: CalendarYear = {
  year: 2026,
  holidays: [
    // 元旦 New Year: 1–3 Jan (Thu–Sat).
    '2026-01-01', '2026-01-02', '2026-01-03',
    // 春节 Spring Festival: 15 Feb (腊月二十八, Sun) – 23 Feb (Mon), nine days.
    '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
    '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23',
    // 清明节 Qingming: 4–6 Apr (Sat–Mon).
    '2026-04-04', '2026-04-05', '2026-04-06',
    // 劳动节 Labour Day: 1–5 May (Fri–Tue).
    '2026-05-01', '2026-05-02', '2026-05-03', '2026-05-04', '2026-05-05',
    // 端午节 Dragon Boat: 19–21 Jun (Fri–Sun).
    '2026-06-19', '2026-06-20', '2026-06-21',
    // 中秋节 Mid-Autumn: 25–27 Sep (Fri–Sun).
    '2026-09-25', '2026-09-26', '2026-09-27',
    // 国庆节 National Day: 1–7 Oct (Thu–Wed).
    '2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04',
    '2026-10-05', '2026-10-06', '2026-10-07',
  ],
  adjustedWorkdays: [
    '2026-01-04', // Sun, for New Year
    '2026-02-14', // Sat, for the Spring Festival
    '2026-02-28', // Sat, for the Spring Festival
    '2026-05-09', // Sat, for Labour Day
    '2026-09-20', // Sun, for National Day
    '2026-10-10', // Sat, for National Day
  ],
};
