import type { Metadata, Viewport } from 'next';
import localFont from 'next/font/local';
import { cookies } from 'next/headers';
import type { ReactNode } from 'react';
import { cn } from '@/components/ui/class-names';
import { parseTheme, THEME_COOKIE } from '@/components/layout/theme';
import { Providers } from './providers';
import './globals.css';

const inter = localFont({
  src: '../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2',
  variable: '--font-inter',
  weight: '100 900',
  display: 'swap',
});

export const metadata: Metadata = {
  title: { default: 'Buyer portal', template: '%s · Buyer portal' },
  description: 'Trouble tickets, incidents, appointments and work orders with your network Sellers.',
  icons: { icon: '/logo.svg' },
};

export const viewport: Viewport = {
  colorScheme: 'dark light',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" className={cn(inter.variable, theme === 'dark' && 'dark')}>
      <body className="bg-bg font-sans text-fg">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
