import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer, Queue } from '../api/api-types.ts';
import { queueName } from './desk-context.ts';
import type { OfferAlert } from './offer-alert.ts';

/**
 * New offers ring and notify, or are accepted at once for agents who chose
 * auto-accept; the ring stops when no offer is left. The first click or key
 * on the page readies the sound (browsers allow it only after a gesture),
 * so a reloaded desk still rings.
 */
export function useOfferAlerts(options: {
  readonly alert: OfferAlert;
  readonly offers: readonly Offer[] | undefined;
  readonly autoAccept: boolean;
  readonly accept: (offer: Offer) => void;
  readonly queues: ReadonlyMap<string, Queue>;
  readonly select: (contactId: string) => void;
}): void {
  const { t } = useTranslation();
  const announced = useRef(new Set<string>());
  const { alert, offers, autoAccept, accept, queues, select } = options;
  useEffect(() => {
    if ((offers ?? []).length === 0) alert.stop();
    for (const offer of offers ?? []) {
      if (announced.current.has(offer.offerId)) continue;
      announced.current.add(offer.offerId);
      if (autoAccept) {
        accept(offer);
        continue;
      }
      alert.ring();
      alert.notify(
        t('offer.notificationTitle', { channel: t(`channel.${offer.channel}`) }),
        t('offer.notificationBody', {
          queue: queueName(queues, offer.queueId),
          caller: offer.callerNumber ?? '',
        }),
        () => select(offer.contactId),
      );
    }
  }, [offers, autoAccept, accept, alert, queues, select, t]);
  useEffect(() => () => alert.stop(), [alert]);
  useEffect(() => {
    const prepare = () => alert.prepare();
    window.addEventListener('pointerdown', prepare, { once: true });
    window.addEventListener('keydown', prepare, { once: true });
    return () => {
      window.removeEventListener('pointerdown', prepare);
      window.removeEventListener('keydown', prepare);
    };
  }, [alert]);
}
