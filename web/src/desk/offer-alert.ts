type SinkableContext = AudioContext & { setSinkId?: (sinkId: string) => Promise<void> };
type SinkableElement = HTMLAudioElement & { setSinkId?: (sinkId: string) => Promise<void> };

/**
 * How an offer gets the agent's attention beyond the screen: a ring (made
 * with Web Audio, so no file and no autoplay-blocked <audio>) and a desktop
 * notification when the tab is in the background.
 *
 * One ring for every reason to ring: the desk's offers ring as `offer`, the
 * browser softphone's incoming INVITEs as `invite:<key>`; the sound plays
 * while any reason is left, so an offer that also rings the softphone rings
 * once. The ring goes to the ringer device the agent chose
 * ({@link setRingerDevice}: the AudioContext's `setSinkId` where the browser
 * has it, else an <audio> element's), else to the default output.
 */
export class OfferAlert {
  private context: AudioContext | undefined;
  private stopRing: (() => void) | undefined;
  private readonly reasons = new Set<string>();
  private ringerDevice: string | undefined;
  private element: SinkableElement | undefined;

  /** Asked on a click (browsers allow audio and permission prompts only after one). */
  prepare(): void {
    if (this.context === undefined) {
      this.context = new AudioContext();
      void this.routeRing();
    }
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
  }

  /** Rings for `reason` (until {@link stop} of it); a ring already sounding goes on. */
  ring(reason = 'offer'): void {
    this.reasons.add(reason);
    if (this.stopRing === undefined) this.startTone();
  }

  /** One short ring on the ringer device, to check it is the one the agent hears. */
  testRing(): void {
    this.prepare();
    const reason = `test:${Date.now()}`;
    const context = this.context;
    const start = () => {
      this.ring(reason);
      setTimeout(() => this.stop(reason), 2_000);
    };
    if (context?.state === 'running') start();
    else void context?.resume().then(start, () => undefined);
  }

  /** The ringer device (`MediaDeviceInfo.deviceId`; undefined for the default output). */
  setRingerDevice(deviceId: string | undefined): void {
    if (deviceId === this.ringerDevice) return;
    this.ringerDevice = deviceId;
    void this.routeRing();
  }

  notify(title: string, body: string, onClick: () => void): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    const notification = new Notification(title, { body, tag: 'switchboard-offer' });
    notification.onclick = () => {
      window.focus();
      onClick();
      notification.close();
    };
  }

  /** Stops ringing for `reason`; the sound stops when no reason is left. */
  stop(reason = 'offer'): void {
    this.reasons.delete(reason);
    if (this.reasons.size === 0) this.silence();
  }

  stopAll(): void {
    this.reasons.clear();
    this.silence();
  }

  private silence(): void {
    this.stopRing?.();
    this.stopRing = undefined;
  }

  private startTone(): void {
    const context = this.context;
    if (context === undefined || context.state !== 'running') return;
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(this.output(context));
    const tones = [440, 480].map((frequency) => {
      const oscillator = context.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    // The North American ring cadence: 2 s on, 4 s off, for at most 30 s.
    const start = context.currentTime;
    for (let cycle = 0; cycle < 5; cycle += 1) {
      gain.gain.setValueAtTime(0.08, start + cycle * 6);
      gain.gain.setValueAtTime(0, start + cycle * 6 + 2);
    }
    this.stopRing = () => {
      for (const tone of tones) tone.stop();
      gain.disconnect();
    };
  }

  /** Where the tone goes: the context's own output, or the <audio> element that picks a device. */
  private output(context: AudioContext): AudioNode {
    if (this.element === undefined) return context.destination;
    const destination = context.createMediaStreamDestination();
    this.element.srcObject = destination.stream;
    void this.element.play().catch(() => undefined);
    return destination;
  }

  private async routeRing(): Promise<void> {
    if (this.context === undefined) return;
    const context: SinkableContext = this.context;
    if (context.setSinkId !== undefined) {
      await context.setSinkId(this.ringerDevice ?? '').catch(() => undefined);
      return;
    }
    // No AudioContext.setSinkId (older browsers): an <audio> element carries the tone.
    if (this.ringerDevice === undefined || typeof Audio === 'undefined') {
      this.element = undefined;
      return;
    }
    const element: SinkableElement = this.element ?? new Audio();
    if (element.setSinkId === undefined) return;
    await element.setSinkId(this.ringerDevice).then(
      () => (this.element = element),
      () => (this.element = undefined),
    );
  }
}
