/** The agent's audio devices, by `MediaDeviceInfo.deviceId`; absent means the browser's default. */
export interface DeviceChoice {
  readonly microphone?: string;
  readonly speaker?: string;
  readonly ringer?: string;
}

export type DeviceRole = keyof DeviceChoice;

/** The subset of `Storage` the choice needs (localStorage in the page, a map in tests). */
export type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem'>;

const storageKey = (userId: string) => `switchboard.softphone.devices.${userId}`;

/** The devices `userId` chose on this browser; nothing remembered (or unreadable) is all defaults. */
export function loadDeviceChoice(storage: ChoiceStorage, userId: string): DeviceChoice {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(storageKey(userId)) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const choice: Record<string, string> = {};
    for (const role of ['microphone', 'speaker', 'ringer'] as const) {
      const value = (parsed as Record<string, unknown>)[role];
      if (typeof value === 'string' && value !== '') choice[role] = value;
    }
    return choice;
  } catch {
    return {};
  }
}

/** Remembers one choice; the default device (`undefined` or `'default'`) is not stored. */
export function saveDeviceChoice(
  storage: ChoiceStorage,
  userId: string,
  role: DeviceRole,
  deviceId: string | undefined,
): DeviceChoice {
  const next: Record<string, string | undefined> = { ...loadDeviceChoice(storage, userId) };
  if (deviceId === undefined || deviceId === '' || deviceId === 'default') delete next[role];
  else next[role] = deviceId;
  try {
    storage.setItem(storageKey(userId), JSON.stringify(next));
  } catch {
    // Private mode or a full store: the choice holds for this page only.
  }
  return next;
}

/**
 * The device to use for a choice among the devices present now: the chosen
 * one while it is plugged in, else the browser's default (`undefined`), so
 * an unplugged headset falls back rather than failing the call. An empty
 * list (not read yet) keeps the choice.
 */
export function presentDevice(
  devices: readonly { readonly deviceId: string }[],
  chosen: string | undefined,
): string | undefined {
  if (chosen === undefined || devices.length === 0) return chosen;
  return devices.some((device) => device.deviceId === chosen) ? chosen : undefined;
}
