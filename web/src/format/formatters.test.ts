import { describe, expect, it } from 'vitest';
import { clockDuration, dateTime, spokenDuration, timeOfDay } from './formatters.ts';

describe('formatters', () => {
  it('writes a contact-center clock, with hours only past an hour', () => {
    expect(clockDuration(0)).toBe('0:00');
    expect(clockDuration(65_400)).toBe('1:05');
    expect(clockDuration(3_725_000)).toBe('1:02:05');
    expect(clockDuration(-5)).toBe('0:00');
  });

  it('writes times in the user time zone and language', () => {
    const at = Date.UTC(2026, 11, 7, 9, 30);
    expect(timeOfDay(at, 'en', 'Asia/Shanghai')).toBe('05:30 PM');
    expect(timeOfDay(at, 'zh-CN', 'Asia/Shanghai')).toBe('17:30');
    expect(dateTime(at, 'zh-CN', 'Asia/Shanghai')).toContain('2026年12月7日');
  });

  it('says a call length in words of the language', () => {
    expect(spokenDuration(42, 'en')).toBe('42 sec');
    expect(spokenDuration(185, 'en')).toBe('3 min');
    expect(spokenDuration(7500, 'zh-CN')).toBe('2小时 5分钟');
  });
});
