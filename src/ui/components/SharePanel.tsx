import { useState } from 'preact/hooks';
import { QrCode } from './QrCode';
import { t } from '../i18n/i18n';

/** The ways to invite the other person: the code in groups for reading aloud, a copy-link button, a QR code. */
export const SharePanel = ({ code, link, hasPassword }: { code: string; link: string; hasPassword: boolean }) => {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () =>
    void navigator.clipboard?.writeText(link).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <section class="share" aria-label={t('share.label')}>
      <p>
        {t('share.roomCode')} <code data-testid="room-code">{code}</code>
      </p>
      <button type="button" onClick={copy}>
        {copied === 'yes' ? t('share.copied') : t('share.copy')}
      </button>
      {copied === 'failed' && <p class="error">{t('share.copyFailed')}</p>}
      {hasPassword && <p class="help">{t('share.passwordHint')}</p>}
      <QrCode text={link} label={t('share.qrLabel')} />
    </section>
  );
};
