import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { useDesk } from './desk-context.ts';
import { shownState } from './StateMenu.tsx';

/** The connection when it is lost, and the way back after missed offers. */
export function DeskBanners() {
  const { t } = useTranslation();
  const desk = useDesk();
  const status = desk.status;
  return (
    <div className="sb-banners">
      {desk.connection === 'closed' && (
        <Alert type="warning" showIcon banner title={t('app.offline')} />
      )}
      {status !== undefined && shownState(status.state, status.reason) === 'missed' && (
        <Alert
          type="error"
          showIcon
          title={t('state.missedBanner', { count: status.consecutiveMisses || 1 })}
          action={
            <Button type="primary" onClick={() => desk.setState('available')}>
              {t('state.backToAvailable')}
            </Button>
          }
        />
      )}
    </div>
  );
}
