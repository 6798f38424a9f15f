import type { CalendarYear } from './types';

/**
 * China, 2024: the State Council's holiday arrangement (国务院办公厅关于2024年部分节假日安排的通知,
 * 国办发明电〔2023〕7号, published Oct 2023). Every day of each holiday block is listed,
 * weekend days included, so the list reads like the notice.
 *
 * Not a holiday: New Year's Eve of the lunar year (除夕, 9 Feb, a Friday). The notice only
 * "encourages" employers to give it off, so it stays a working day here.
 */
export const CN_2024: CalendarYear = {
  year: 2024,
  holidays: [
    // 元旦 New Year: 1 Jan (Mon), joined to the weekend of 30–31 Dec 2023.
    '2024-01-01',
    // 春节 Spring Festival: 10–17 Feb.
    '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13',
    '2024-02-14', '2024-02-15', '2024-02-16', '2024-02-17',
    // 清明节 Qingming: 4–6 Apr.
    '2024-04-04', '2024-04-05', '2024-04-06',
    // 劳动节 Labour Day: 1–5 May.
    '2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05',
    // 端午节 Dragon Boat: 10 Jun (Mon), joined to the weekend.
    '2024-06-10',
    // 中秋节 Mid-Autumn: 15–17 Sep.
    '2024-09-15', '2024-09-16', '2024-09-17',
    // 国庆节 National Day: 1–7 Oct.
    '2024-10-01', '2024-10-02', '2024-10-03', '2024-10-04',
    '2024-10-05', '2024-10-06', '2024-10-07',
  ],
  adjustedWorkdays: [
    '2024-02-04', // Sun, for the Spring Festival
    '2024-02-18', // Sun, for the Spring Festival
    '2024-04-07', // Sun, for Qingming
    '2024-04-28', // Sun, for Labour Day
    '2024-05-11', // Sat, for Labour Day
    '2024-09-14', // Sat, for Mid-Autumn
    '2024-09-29', // Sun, for National Day
    '2024-10-12', // Sat, for National Day
  ],
};
