// Line icons for the call's control bar (24×24, stroke = currentColor). Decorative: every button also
// shows its name as text, so the icons are hidden from assistive tech.
import type { ComponentChildren } from 'preact';

const Icon = ({ children }: { children: ComponentChildren }) => (
  <svg
    class="icon"
    viewBox="0 0 24 24"
    width="24"
    height="24"
    aria-hidden="true"
    focusable="false"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
  >
    {children}
  </svg>
);

const slash = <path d="M3 3l18 18" />;

export const MicIcon = ({ off }: { off: boolean }) => (
  <Icon>
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
    {off && slash}
  </Icon>
);

export const CameraIcon = ({ off }: { off: boolean }) => (
  <Icon>
    <rect x="3" y="6" width="12" height="12" rx="2" />
    <path d="M15 10l6-3v10l-6-3" />
    {off && slash}
  </Icon>
);

export const FlipIcon = () => (
  <Icon>
    <path d="M4 12a8 8 0 0 1 14-5.3M20 12a8 8 0 0 1-14 5.3" />
    <path d="M18 3v4h-4M6 21v-4h4" />
  </Icon>
);

export const ScreenIcon = () => (
  <Icon>
    <rect x="3" y="4" width="18" height="12" rx="2" />
    <path d="M8 20h8M12 16v4" />
  </Icon>
);

export const ChatIcon = () => (
  <Icon>
    <path d="M4 5h16v11H9l-5 4z" />
  </Icon>
);

export const DetailsIcon = () => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v6M12 7.5v.5" />
  </Icon>
);

export const HangUpIcon = () => (
  <Icon>
    <path d="M3 14c5-5 13-5 18 0l-2.5 3-3.5-1.5v-3a12 12 0 0 0-6 0v3L5.5 17z" />
  </Icon>
);
