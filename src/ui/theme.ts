// Panel and popup. Light or dark: inside DevTools follow DevTools' own theme
// (chrome.devtools.panels.themeName: 'dark' | 'default'); as a tab or popup follow the system
// (prefers-color-scheme). A ?theme= URL parameter wins, for screenshots and manual checks.
export type Theme = 'light' | 'dark'

export function resolveTheme(o: { override?: string | null; devtoolsTheme?: string | undefined; prefersDark: boolean }): Theme {
  if (o.override === 'dark' || o.override === 'light') return o.override
  if (o.devtoolsTheme !== undefined) return o.devtoolsTheme === 'dark' ? 'dark' : 'light'
  return o.prefersDark ? 'dark' : 'light'
}

/** Sets data-theme on <html> now and whenever the system preference changes (unless pinned). */
export function applyTheme(win: Window, devtoolsTheme: string | undefined): void {
  const override = new URLSearchParams(win.location.search).get('theme')
  const media = win.matchMedia?.('(prefers-color-scheme: dark)')
  const update = (): void => {
    win.document.documentElement.dataset.theme = resolveTheme({ override, devtoolsTheme, prefersDark: media?.matches ?? false })
  }
  update()
  media?.addEventListener?.('change', update)
}
