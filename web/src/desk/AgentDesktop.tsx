import { useTranslation } from 'react-i18next';
import { CustomerPane } from './CustomerPane.tsx';
import { DeskBanners } from './DeskBanners.tsx';
import { useDesk } from './desk-context.ts';
import { InteractionPane } from './InteractionPane.tsx';
import { OfferPrompt } from './OfferPrompt.tsx';
import { WorkList } from './WorkList.tsx';

/** The agent's workspace: banners and offers above three panes (work | interaction | customer). */
export function AgentDesktop() {
  const { t } = useTranslation();
  const desk = useDesk();
  return (
    <div className="sb-desk">
      <h1 className="sb-visually-hidden">{t('app.name')}</h1>
      <DeskBanners />
      <OfferPrompt />
      {desk.status === undefined && desk.statusError === null ? (
        <p className="sb-muted">{t('app.loading')}</p>
      ) : (
        <div className="sb-panes">
          <WorkList />
          <InteractionPane />
          <CustomerPane />
        </div>
      )}
    </div>
  );
}
