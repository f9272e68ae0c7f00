import type { ThemeConfig } from 'antd';

/**
 * Switchboard's colours and shapes on antd's tokens. antd writes them as
 * `<style>` elements carrying the page's nonce (ConfigProvider `csp`), the
 * only inline styles the Content-Security-Policy lets apply.
 */
export const switchboardTheme: ThemeConfig = {
  token: {
    colorPrimary: '#1457c9',
    colorSuccess: '#1a7f37',
    colorWarning: '#b35900',
    colorError: '#c62828',
    colorText: '#1f2733',
    // Secondary text at 4.5:1 or better on white (WCAG AA): antd's defaults are lighter.
    colorTextSecondary: '#5b6576',
    colorTextDescription: '#5b6576',
    colorTextTertiary: '#5b6576',
    colorTextPlaceholder: '#6b7280',
    colorBgLayout: '#f4f6f9',
    borderRadius: 6,
    fontFamily:
      "system-ui, 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', bodyBg: '#f4f6f9', headerPadding: '0 20px' },
  },
};
