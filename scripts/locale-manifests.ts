import type { Plugin } from 'vite';

/** What a language contributes to its manifest: the app's name and description, and its writing direction. */
export interface ManifestWords {
  lang: string;
  dir: 'ltr' | 'rtl';
  name: string;
  description: string;
}

/** The file the manifest for `lang` is served as (English keeps the plugin's own manifest.webmanifest). */
export const manifestFile = (lang: string): string =>
  lang === 'en' ? 'manifest.webmanifest' : `manifest-${lang}.webmanifest`;

/**
 * One web manifest per language beside the English one, the same but for name, description, lang and
 * dir; the page points its <link rel="manifest"> at the one of the language shown (src/ui/i18n/i18n.ts),
 * so an installed Parley is named in the language it was installed in.
 */
export const localeManifests = (base: Record<string, unknown>, languages: readonly ManifestWords[]): Plugin => ({
  name: 'parley:locale-manifests',
  apply: 'build',
  generateBundle() {
    for (const l of languages) {
      if (l.lang === 'en') continue;
      const manifest = {
        ...base,
        name: l.name,
        short_name: l.name,
        description: l.description,
        lang: l.lang,
        dir: l.dir,
      };
      this.emitFile({ type: 'asset', fileName: manifestFile(l.lang), source: `${JSON.stringify(manifest)}\n` });
    }
  },
});
