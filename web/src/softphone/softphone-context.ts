import { createContext, useContext } from 'react';
import type { OfferAlert } from '../desk/offer-alert.ts';
import type { DeviceChoice, DeviceRole } from './device-choice.ts';
import type { AudioDevices } from './media-devices.ts';
import type { SoftphoneSnapshot } from './softphone.ts';

/** The browser phone as the pages use it (see SoftphoneProvider). */
export interface SoftphoneApi extends SoftphoneSnapshot {
  /** The audio inputs and outputs present now. */
  readonly devices: AudioDevices;
  /** What the agent chose on this browser (absent: the default device). */
  readonly choice: DeviceChoice;
  readonly choose: (role: DeviceRole, deviceId: string | undefined) => void;
  /** Whether this browser can pick the output device (setSinkId). */
  readonly canChooseOutput: boolean;
  /** The microphone again and the connection now (after the agent allowed the microphone). */
  readonly retry: () => void;
  readonly answer: (key: string) => Promise<void>;
  readonly decline: (key: string) => Promise<void>;
  readonly hangUp: () => Promise<void>;
  readonly setMuted: (muted: boolean) => void;
  readonly sendDtmf: (digit: string) => Promise<void>;
  /**
   * Accepts an offer by answering its INVITE when it rings (or within a
   * moment starts ringing) this browser; false when the browser has no
   * INVITE for it (the offer is then the API's to accept).
   */
  readonly answerOffer: (offerId: string) => Promise<boolean>;
  /** Declines an offer whose INVITE rings this browser; false when there is none. */
  readonly declineOffer: (offerId: string) => Promise<boolean>;
  /** The one ring of the desk: offers and the browser phone's calls, on the ringer device. */
  readonly ringer: OfferAlert;
}

export const SoftphoneContext = createContext<SoftphoneApi | null>(null);

export function useSoftphone(): SoftphoneApi {
  const softphone = useContext(SoftphoneContext);
  if (softphone === null) throw new Error('useSoftphone outside SoftphoneProvider');
  return softphone;
}
