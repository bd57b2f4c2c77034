/** The languages the emulator prints: BTSTask's own resources differ by the server's UI culture. */
export type EmulatorCulture = 'en-US' | 'de-DE';

export interface CultureText {
  prefix: Record<'Information' | 'Warning' | 'Error', string>;
  copyright: string;
  succeeded: (warnings: number) => string;
  failed: (errors: number, warnings: number) => string;
  applicationLine: (name: string, description: string) => string;
}

export const CULTURES: Record<EmulatorCulture, CultureText> = {
  'en-US': {
    prefix: { Information: 'Information', Warning: 'Warning', Error: 'Error' },
    copyright: 'Copyright (c) Microsoft Corporation. All rights reserved.',
    succeeded: (warnings) => `Command succeeded with 0 errors, ${warnings} warnings.`,
    failed: (errors, warnings) => `Command failed with ${errors} errors, ${warnings} warnings.`,
    applicationLine: (name, description) => `Application Name: "${name}"  Description: "${description}"`,
  },
  'de-DE': {
    prefix: { Information: 'Information', Warning: 'Warnung', Error: 'Fehler' },
    copyright: 'Copyright (c) Microsoft Corporation. Alle Rechte vorbehalten.',
    succeeded: (warnings) => `Der Befehl wurde mit 0 Fehlern und ${warnings} Warnungen erfolgreich ausgeführt.`,
    failed: (errors, warnings) => `Der Befehl ist mit ${errors} Fehlern und ${warnings} Warnungen fehlgeschlagen.`,
    applicationLine: (name, description) => `Anwendungsname: "${name}"  Beschreibung: "${description}"`,
  },
};

export function cultureText(culture: EmulatorCulture): CultureText {
  return CULTURES[culture];
}

