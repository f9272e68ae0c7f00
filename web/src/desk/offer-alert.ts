/**
 * How an offer gets the agent's attention beyond the screen: a ring (made
 * with Web Audio, so no file and no autoplay-blocked <audio>) and a desktop
 * notification when the tab is in the background.
 */
export class OfferAlert {
  private context: AudioContext | undefined;
  private stopRing: (() => void) | undefined;

  /** Asked on a click (browsers allow audio and permission prompts only after one). */
  prepare(): void {
    this.context ??= new AudioContext();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      void Notification.requestPermission().catch(() => undefined);
    }
  }

  ring(): void {
    this.stop();
    const context = this.context;
    if (context === undefined || context.state !== 'running') return;
    const gain = context.createGain();
    gain.gain.value = 0;
    gain.connect(context.destination);
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

  stop(): void {
    this.stopRing?.();
    this.stopRing = undefined;
  }
}
