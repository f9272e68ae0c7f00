import { useQuery } from '@tanstack/react-query';
import {
  useCallback,
  useEffect,
  useMemo,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import { ApiError, api } from '../api/api-client.ts';
import { useSignedInUser } from '../auth/session.ts';
import { OfferAlert } from '../desk/offer-alert.ts';
import {
  type DeviceChoice,
  type DeviceRole,
  loadDeviceChoice,
  presentDevice,
  saveDeviceChoice,
} from './device-choice.ts';
import { type AudioDevices, listAudioDevices, onDevicesChanged } from './media-devices.ts';
import { Softphone, type SoftphoneSnapshot } from './softphone.ts';
import { SoftphoneContext, type SoftphoneApi } from './softphone-context.ts';
import type { SoftphoneSettings } from './softphone-settings.ts';
import type { SoftphoneStatus } from './softphone-status.ts';

export const softphoneSettingsKey = ['me', 'softphone'] as const;

/** How long Accept waits for the offer's INVITE to reach the browser before accepting through the API. */
const inviteWaitMs = 3_000;

const noDevices: AudioDevices = { microphones: [], speakers: [] };
const noSubscription = () => () => undefined;

function disabledSnapshot(reason: 'not-configured' | 'loading' | 'unavailable') {
  const status: SoftphoneStatus = { kind: 'disabled', reason };
  return { status, ringing: [], call: null, muted: false } satisfies SoftphoneSnapshot;
}
const disabled = {
  'not-configured': disabledSnapshot('not-configured'),
  loading: disabledSnapshot('loading'),
  unavailable: disabledSnapshot('unavailable'),
};

const canChooseOutput =
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * The browser phone for the signed-in user: asks `POST /me/softphone`; when
 * enabled, registers a {@link Softphone} (stopped, so unregistered, when the
 * user logs out or the page goes), keeps the device lists current and the
 * agent's device choice (remembered per user in localStorage), and owns the
 * desk's one ring. Mounted around the desk so Accept and Reject can answer
 * or decline the offer's INVITE instead of asking the API.
 */
export function SoftphoneProvider(props: { children: ReactNode }) {
  const me = useSignedInUser();
  const ringer = useMemo(() => new OfferAlert(), []);
  const settings = useQuery({
    queryKey: softphoneSettingsKey,
    queryFn: () => api.post<SoftphoneSettings>('/me/softphone'),
    staleTime: Infinity,
    retry: false,
  });
  const [phone, setPhone] = useState<Softphone | null>(null);
  const [choice, setChoice] = useState<DeviceChoice>(() => loadDeviceChoice(localStorage, me.id));
  const [devices, setDevices] = useState<AudioDevices>(noDevices);

  const config = settings.data;
  const refetchSettings = settings.refetch;
  useEffect(() => {
    if (config?.enabled !== true) return;
    const softphone = new Softphone(config, ringer);
    setPhone(softphone);
    void softphone.start();
    return () => {
      setPhone(null);
      void softphone.stop();
    };
  }, [config, ringer]);

  const snapshot = useSyncExternalStore(
    phone?.subscribe ?? noSubscription,
    phone?.snapshot ??
      (() =>
        settings.isPending
          ? disabled.loading
          : settings.error !== null &&
              !(settings.error instanceof ApiError && settings.error.status === 404)
            ? disabled.unavailable
            : disabled['not-configured']),
  );

  // The lists again when a device comes or goes, and once the microphone is allowed (labels).
  const readDevices = useCallback(() => {
    listAudioDevices().then(setDevices, () => undefined);
  }, []);
  useEffect(() => onDevicesChanged(readDevices), [readDevices]);
  const statusKind = snapshot.status.kind;
  useEffect(() => {
    if (statusKind !== 'disabled') readDevices();
  }, [statusKind, readDevices]);

  const effective = useMemo<DeviceChoice>(
    () => ({
      microphone: presentDevice(devices.microphones, choice.microphone),
      speaker: presentDevice(devices.speakers, choice.speaker),
      ringer: presentDevice(devices.speakers, choice.ringer),
    }),
    [devices, choice],
  );
  useEffect(() => {
    phone?.useDevices(effective);
    ringer.setRingerDevice(effective.ringer);
  }, [phone, ringer, effective]);

  const answerOffer = useCallback(
    async (offerId: string) => {
      if (phone === null || !(await phone.waitFor(offerId, inviteWaitMs))) return false;
      await phone.answer(offerId);
      return true;
    },
    [phone],
  );
  const declineOffer = useCallback(
    async (offerId: string) => {
      if (phone === null || !phone.holds(offerId)) return false;
      await phone.decline(offerId);
      return true;
    },
    [phone],
  );

  const value = useMemo<SoftphoneApi>(
    () => ({
      ...snapshot,
      devices,
      choice,
      canChooseOutput,
      ringer,
      choose: (role: DeviceRole, deviceId: string | undefined) =>
        setChoice(saveDeviceChoice(localStorage, me.id, role, deviceId)),
      retry: () => {
        ringer.prepare();
        if (phone !== null) void phone.retry();
        else void refetchSettings();
      },
      answer: (key) => phone?.answer(key) ?? Promise.reject(new Error('no browser phone')),
      decline: (key) => phone?.decline(key) ?? Promise.resolve(),
      hangUp: () => phone?.hangUp() ?? Promise.resolve(),
      setMuted: (muted) => phone?.setMuted(muted),
      sendDtmf: (digit) => phone?.sendDtmf(digit) ?? Promise.resolve(),
      answerOffer,
      declineOffer,
    }),
    [snapshot, devices, choice, ringer, me.id, phone, refetchSettings, answerOffer, declineOffer],
  );

  return <SoftphoneContext.Provider value={value}>{props.children}</SoftphoneContext.Provider>;
}
