import { describe, expect, it } from 'vitest';
import { loadDeviceChoice, presentDevice, saveDeviceChoice } from './device-choice.ts';
import { microphoneProblem } from './microphone-problem.ts';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

describe('device choice', () => {
  it('is remembered per user', () => {
    const storage = memoryStorage();
    saveDeviceChoice(storage, 'u1', 'microphone', 'mic-2');
    saveDeviceChoice(storage, 'u1', 'ringer', 'speaker-3');
    saveDeviceChoice(storage, 'u2', 'speaker', 'headset');
    expect(loadDeviceChoice(storage, 'u1')).toEqual({ microphone: 'mic-2', ringer: 'speaker-3' });
    expect(loadDeviceChoice(storage, 'u2')).toEqual({ speaker: 'headset' });
    expect(loadDeviceChoice(storage, 'u3')).toEqual({});
  });

  it('forgets a choice set back to the default', () => {
    const storage = memoryStorage();
    saveDeviceChoice(storage, 'u1', 'microphone', 'mic-2');
    expect(saveDeviceChoice(storage, 'u1', 'microphone', 'default')).toEqual({});
    saveDeviceChoice(storage, 'u1', 'speaker', 'x');
    expect(saveDeviceChoice(storage, 'u1', 'speaker', undefined)).toEqual({});
  });

  it('reads garbage as all defaults and survives a storage that throws', () => {
    const storage = memoryStorage();
    storage.items.set('switchboard.softphone.devices.u1', '{not json');
    expect(loadDeviceChoice(storage, 'u1')).toEqual({});
    storage.items.set('switchboard.softphone.devices.u1', '{"microphone":7,"speaker":"s"}');
    expect(loadDeviceChoice(storage, 'u1')).toEqual({ speaker: 's' });
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(saveDeviceChoice(full, 'u1', 'ringer', 'r')).toEqual({ ringer: 'r' });
  });

  it('falls back to the default device when the chosen one is unplugged', () => {
    const devices = [{ deviceId: 'a' }, { deviceId: 'b' }];
    expect(presentDevice(devices, 'b')).toBe('b');
    expect(presentDevice(devices, 'gone')).toBeUndefined();
    expect(presentDevice(devices, undefined)).toBeUndefined();
    expect(presentDevice([], 'b')).toBe('b');
  });
});

describe('microphoneProblem', () => {
  it("names getUserMedia's errors for the agent", () => {
    const named = (name: string) => Object.assign(new Error(name), { name });
    expect(microphoneProblem(named('NotAllowedError'))).toBe('blocked');
    expect(microphoneProblem(named('SecurityError'))).toBe('blocked');
    expect(microphoneProblem(named('NotFoundError'))).toBe('missing');
    expect(microphoneProblem(named('OverconstrainedError'))).toBe('missing');
    expect(microphoneProblem(named('NotReadableError'))).toBe('busy');
    expect(microphoneProblem(new TypeError('no mediaDevices'))).toBe('unsupported');
  });
});
