import { Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.ts';
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
  // Routing knows only queue members: anyone else has no desk to show yet.
  if (desk.statusError instanceof ApiError && desk.statusError.status === 404) {
    return (
      <div className="sb-desk">
        <h1 className="sb-visually-hidden">{t('app.name')}</h1>
        <Result status="info" title={t('desk.noProfile')} subTitle={t('desk.noProfileHelp')} />
      </div>
    );
  }
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
