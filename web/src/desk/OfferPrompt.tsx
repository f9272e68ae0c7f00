import { Button, Progress } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Offer } from '../api/api-types.ts';
import { clockDuration } from '../format/formatters.ts';
import { ChannelIcon } from './ChannelIcon.tsx';
import { queueName, useDesk } from './desk-context.ts';
import { useNow } from './use-now.ts';

/** One ringing offer: who, from which queue, how long they waited, and the time left to answer. */
function OfferCard({ offer }: { offer: Offer }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const now = useNow(250);
  const total = Math.max(1, offer.expiresAt - offer.createdAt);
  const left = Math.max(0, offer.expiresAt - now);
  const channel = t(`channel.${offer.callback ? 'callback' : offer.channel}`);
  const queue = queueName(desk.queues, offer.queueId);
  const number = offer.callback ? offer.callbackNumber : offer.callerNumber;
  return (
    <section className="sb-offer" aria-labelledby={`offer-${offer.offerId}`}>
      <div className="sb-offer-icon">
        <ChannelIcon channel={offer.channel} callback={offer.callback} />
      </div>
      <div className="sb-offer-body">
        <h2 id={`offer-${offer.offerId}`} className="sb-offer-title">
          {t('offer.incoming', { channel, queue })}
        </h2>
        <dl className="sb-offer-facts">
          <div>
            <dt>{offer.callback ? t('offer.callback') : t('offer.caller')}</dt>
            <dd className="sb-number">{number ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('offer.waited')}</dt>
            <dd>{clockDuration(now - offer.createdAt)}</dd>
          </div>
        </dl>
        <Progress
          percent={(left / total) * 100}
          showInfo={false}
          size="small"
          strokeColor="#b35900"
          aria-label={t('offer.expiresIn', { seconds: Math.ceil(left / 1000) })}
        />
        <div className="sb-offer-left">
          {t('offer.expiresIn', { seconds: Math.ceil(left / 1000) })}
        </div>
      </div>
      <div className="sb-offer-actions">
        <Button
          type="primary"
          size="large"
          className="sb-accept"
          onClick={() => desk.accept(offer)}
          loading={desk.busyAction === `accept:${offer.offerId}`}
        >
          {t('offer.accept')} <kbd className="sb-kbd-hint">A</kbd>
        </Button>
        <Button
          size="large"
          danger
          onClick={() => desk.reject(offer)}
          loading={desk.busyAction === `reject:${offer.offerId}`}
        >
          {t('offer.reject')} <kbd className="sb-kbd-hint">R</kbd>
        </Button>
      </div>
    </section>
  );
}

/** Ringing offers, announced to screen readers as they arrive. */
export function OfferPrompt() {
  const { t } = useTranslation();
  const desk = useDesk();
  const offers = desk.status?.offers ?? [];
  const first = offers[0];
  const announcement =
    first === undefined
      ? ''
      : t('offer.announce', {
          channel: t(`channel.${first.callback ? 'callback' : first.channel}`),
          queue: queueName(desk.queues, first.queueId),
          caller: (first.callback ? first.callbackNumber : first.callerNumber) ?? '—',
        });
  return (
    <>
      <div className="sb-visually-hidden" aria-live="assertive" role="status">
        {announcement}
      </div>
      {offers.map((offer) => (
        <OfferCard key={offer.offerId} offer={offer} />
      ))}
    </>
  );
}
