import { describe, expect, it } from 'vitest';
import { formatDayWithWeekday } from '../../../src/islands/forms/fieldValues';
import { chinaLocalToInstant, instantToChinaLocal } from '../../../src/rules/chinaTime';
import { maskPhone } from '../../../src/islands/privacy';

describe('maskPhone: no display shows a whole phone number', () => {
  it('hides the middle four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
  it('keeps a landline’s area code and last four', () => {
    expect(maskPhone('010-12345678')).toBe('010-****5678');
    expect(maskPhone('075587654321')).toBe('0755-****4321');
  });
  it('anything else keeps at most the last four characters', () => {
    expect(maskPhone('12345')).toBe('****2345');
    expect(maskPhone('123')).toBe('****');
  });
});

describe('China wall-clock times typed in a form', () => {
  it('reads 2025-12-01T08:30 as 08:30 in China, 00:30 UTC, and back', () => {
    expect(chinaLocalToInstant('2025-12-01T08:30')).toBe('2025-12-01T00:30:00.000Z');
    expect(instantToChinaLocal('2025-12-01T00:30:00.000Z')).toBe('2025-12-01T08:30');
  });
  it('refuses what is not a datetime-local value', () => {
    expect(chinaLocalToInstant('yesterday')).toBeNull();
  });
  it('names a day with its weekday', () => {
    expect(formatDayWithWeekday('en', '2025-12-02')).toBe('Tue, Dec 2');
  });
});
