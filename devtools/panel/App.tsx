// Panel. The panel's layout and UI state (selection, filter, side tab, dialogs); data comes from the
// store, effects go through `actions`. Runs the same in DevTools, as a tab and in unit tests.
import '../../src/ui/safeText.ts'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { Severity } from '../../src/core/model.ts'
import type { RuleInfo } from '../../src/core/rules.ts'
import { EMPTY_FILTER, filterEntries, type Filter } from './lib/filter.ts'
import { currentNotes, currentView, type PanelStore } from './state/store.ts'
import { computeCoverage, missingRequired } from '../../src/core/coverage.ts'
import { checkOptionsText } from '../../src/report/analyze.ts'
import { indexNotes } from '../../src/ui/notes.ts'
import { interactionLabelOf } from './state/view.ts'
import { isTopLoad } from './lib/entries.ts'
import type { SessionEntry } from '../../src/core/model.ts'
import type { PanelActions } from './state/actions.ts'
import { useStoreState } from './state/useStore.ts'
import { ConnectionBanner, DroppedBanner, EmptyState, ErrorBanner, ImportedBanner, StorageBanner, TabClosedBanner } from './components/Banners/index.ts'
import { EventDetail } from './components/EventDetail/index.ts'
import { EventList, FilterBar } from './components/EventList/index.ts'
import { FindingsPane } from './components/Findings/index.ts'
import { InteractionsPane } from './components/Interactions/index.ts'
import { CoveragePane } from './components/Coverage/index.ts'
import { NotesSection } from './components/Notes/index.ts'
import { Timeline } from './components/Timeline/index.ts'
import { RulesDialog, SettingsDialog, Toolbar } from './components/Toolbar/index.ts'
import { CommandsDrawer } from './components/Commands/index.ts'
import { commandsDisabled, waitForEntry, type CommandsStore } from './state/commands.ts'
import { drawerPlugins } from '../../src/core/commands.ts'

export interface AppProps {
  store: PanelStore
  actions: PanelActions
  rules: readonly RuleInfo[]
  /** The Commands drawer's store; absent without a tab to command (tests, a panel opened without tabId). */
  commands?: CommandsStore
}

type SideTab = 'interactions' | 'detail' | 'findings' | 'coverage'

/** URL of the latest top-level page-load marker. */
function lastTopUrl(entries: readonly SessionEntry[]): string | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!
    if (isTopLoad(e) && typeof (e.data as { url?: unknown } | null)?.url === 'string') return (e.data as { url: string }).url
  }
  return undefined
}

export function App({ store, actions, rules, commands }: AppProps) {
  const state = useStoreState(store)
  const view = currentView(state)
  const live = state.imported === null
  const [filter, setFilter] = useState<Filter>(EMPTY_FILTER)
  const [selected, setSelected] = useState<number | null>(null)
  const [tab, setTab] = useState<SideTab>('interactions')
  const [timelineHeight, setTimelineHeight] = useState<number | null>(null)
  const [focusSeverity, setFocusSeverity] = useState<Severity | null>(null)
  const [dialog, setDialog] = useState<'settings' | 'rules' | null>(null)
  const [dragging, setDragging] = useState(false)
  const [copied, setCopied] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const detailRef = useRef<HTMLDivElement>(null)

  const ruleMap = useMemo(() => new Map(rules.map((r) => [r.id, r])), [rules])
  const ruleInfo = (id: string): RuleInfo | undefined => ruleMap.get(id)
  // `view` changes identity on every batch; entries.length covers the live array growing in place.
  // The text filter also matches what the row shows beyond the entry: "Callback #5", "page 2".
  const hiddenMatches = useRef({ matches: 0 })
  const rows = useMemo(() => {
    // One label per interaction, not one string per entry (a text filter reads it for every entry).
    const labels = new Map<string, string>()
    const rowText = (e: SessionEntry): string => {
      const id = view.interactionOf(e.seq)
      if (id === null) return ''
      let label = labels.get(id)
      if (label === undefined) labels.set(id, (label = interactionLabelOf(view, e.seq)))
      return label
    }
    return filterEntries(view.entries, view.findingsBySeq, filter, rowText, hiddenMatches.current)
  }, [view, view.entries.length, filter])


  const select = (seq: number): void => {
    setSelected(seq)
    setTab('detail')
  }
  const open = (seq: number): void => {
    select(seq)
    detailRef.current?.focus()
  }
  const currentInteraction = selected === null ? null : view.interactionOf(selected)
  const notes = currentNotes(state)
  const notesIndex = useMemo(() => indexNotes(notes), [notes])
  const noted = useMemo(() => new Set(notesIndex.bySeq.keys()), [notesIndex])
  // Only while its tab is open: stories and coverage of a 100 000-event live capture cost a frame.
  // An imported report's own coverage paths, as its report and `check` count them.
  const paths = state.imported?.settings?.paths
  const coverage = useMemo(() => (tab === 'coverage' ? computeCoverage(view.entries, view.stories, paths) : null), [tab, view, view.entries.length, paths])
  const checked = (state.imported?.progress ?? 1) >= 1
  // Without interactions an imported file says why (the live capture's hints ask to open the widget).
  const noInteraction = live ? null : checked ? 'The imported file holds no Callback interaction.' : 'Checking the session…'
  const copySummary = (): void =>
    void actions.copySummary().then((ok) => {
      if (!ok) return
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })
  const selectInteraction = (id: string): void => {
    const first = view.storyById(id)?.steps[0]
    if (first) setSelected(first.seq)
  }
  const pickFile = (): void => fileInput.current?.click()
  const importFiles = (files: FileList | null | undefined): void => {
    const file = files?.[0]
    if (file) void actions.importFile(file).then(() => setSelected(null))
  }

  const tabState = state.tabState
  const widgetsVersion = live ? (tabState?.bus?.widgetsVersion ?? view.widgetsVersion) : (state.imported?.source?.widgetsVersion ?? view.widgetsVersion)
  // Until a bus event or command arrives there is nothing to inspect, only our markers (page loads,
  // the bus found): say whether a bus was found and what is looked for, with those markers below.
  const empty = !view.hasBusEntries
  const bus = live ? (tabState?.bus ?? null) : (view.bus ?? null)
  const pageUrl = !empty ? undefined : live ? tabState?.url || lastTopUrl(view.entries) : (state.imported?.source?.url as string | undefined) || lastTopUrl(view.entries)

  return (
    <div
      class={`app ${dragging ? 'dragging' : ''}`}
      data-connection={state.connection}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes('Files')) return
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={(e) => e.relatedTarget === null && setDragging(false)}
      onDrop={(e) => {
        e.preventDefault()
        setDragging(false)
        importFiles(e.dataTransfer?.files)
      }}
    >
      <Toolbar
        live={live && !state.tabClosed}
        recording={tabState?.recording ?? true}
        preserveLog={tabState?.preserveLog ?? false}
        counts={view.counts}
        eventCount={view.entries.length}
        canExport={view.hasBusEntries}
        widgetsVersion={widgetsVersion}
        onRecord={actions.setRecording}
        onClear={() => {
          actions.clear()
          setSelected(null)
        }}
        onPreserveLog={actions.setPreserveLog}
        onExport={actions.exportSession}
        onImport={pickFile}
        canReport={checked}
        copied={copied}
        onReport={actions.saveReport}
        onCopySummary={copySummary}
        onSettings={() => setDialog('settings')}
        onRules={() => setDialog('rules')}
        onCounts={(s) => {
          setTab('findings')
          setFocusSeverity(s)
        }}
      />
      <input
        type="file"
        accept=".json,application/json,.html,text/html"
        class="hidden"
        ref={fileInput}
        data-testid="import-input"
        onChange={(e) => {
          importFiles(e.currentTarget.files)
          e.currentTarget.value = '' // the same file can be picked again after a fix
        }}
      />
      {state.imported && (
        <ImportedBanner
          name={state.imported.name}
          progress={state.imported.progress}
          options={state.imported.settings ? checkOptionsText({ options: state.imported.settings.options, paths: state.imported.settings.paths, required: state.imported.settings.require }) : []}
          onBack={() => {
            store.backToLive()
            setSelected(null)
          }}
        />
      )}
      {state.error && <ErrorBanner title={state.error.title} message={state.error.message} onDismiss={store.dismissError} />}
      {live && (tabState?.dropped ?? 0) > 0 && <DroppedBanner count={tabState!.dropped} />}
      {live && tabState?.storageError && <StorageBanner message={tabState.storageError} />}
      {live && (state.connection === 'reconnecting' || state.connection === 'closed') && <ConnectionBanner status={state.connection} />}
      {live && state.tabClosed && !empty && <TabClosedBanner />}
      {empty ? (
        <EmptyState
          bus={bus}
          url={pageUrl}
          markers={view.entries}
          recording={!live || (tabState?.recording ?? true)}
          closed={live && state.tabClosed}
          imported={!live}
          onImport={pickFile}
        />
      ) : (
        <main class="main">
          <Timeline
            view={view}
            {...(noInteraction ? { emptyText: noInteraction } : {})}
            selectedSeq={selected}
            currentInteraction={currentInteraction}
            height={timelineHeight}
            noted={noted}
            onSelect={select}
          />
          <SplitHandle onResize={setTimelineHeight} />
          <div class="split">
            <section class="list-col" aria-label="Events">
              <FilterBar filter={filter} plugins={view.plugins} patterns={view.patterns} shown={rows.length} total={view.entries.length} others={view.otherCount} hiddenMatches={hiddenMatches.current.matches} onChange={setFilter} />
              <EventList view={view} rows={rows} selectedSeq={selected} currentInteraction={currentInteraction} notesBySeq={notesIndex.bySeq} onSelect={select} onOpen={open} />
            </section>
            <section class="side" aria-label="Details">
              <div class="tabs" role="tablist">
                <button type="button" role="tab" aria-selected={tab === 'interactions'} data-testid="tab-interactions" onClick={() => setTab('interactions')}>
                  Interactions ({view.report.interactions.length})
                </button>
                <button type="button" role="tab" aria-selected={tab === 'detail'} data-testid="tab-detail" onClick={() => setTab('detail')}>
                  Detail
                </button>
                <button type="button" role="tab" aria-selected={tab === 'findings'} data-testid="tab-findings" onClick={() => setTab('findings')}>
                  Findings ({view.report.findings.length})
                </button>
                <button type="button" role="tab" aria-selected={tab === 'coverage'} data-testid="tab-coverage" onClick={() => setTab('coverage')}
                  title="Which lifecycle paths this session exercised">
                  Coverage
                </button>
              </div>
              <div class="side-body" ref={detailRef} tabIndex={-1}>
                {tab === 'interactions' ? (
                  <InteractionsPane
                    stories={view.stories}
                    findingsBySeq={view.findingsBySeq}
                    current={currentInteraction}
                    notes={notesIndex.byInteraction}
                    onSelectInteraction={(st) => st.steps[0] && setSelected(st.steps[0].seq)}
                    {...(noInteraction ? { emptyText: noInteraction } : {})}
                  />
                ) : tab === 'detail' ? (
                  <EventDetail
                    view={view}
                    seq={selected}
                    ruleInfo={ruleInfo}
                    onSelect={select}
                    notes={
                      selected !== null && (
                        <NotesSection
                          key={selected}
                          seq={selected}
                          onEvent={notesIndex.bySeq.get(selected) ?? []}
                          onInteraction={currentInteraction ? (notesIndex.byInteraction.get(currentInteraction) ?? []) : []}
                          interaction={currentInteraction ? { id: currentInteraction, label: view.storyById(currentInteraction)?.label ?? currentInteraction } : undefined}
                          onAdd={actions.addNote}
                          onRemove={actions.removeNote}
                        />
                      )
                    }
                  />
                ) : tab === 'coverage' && coverage ? (
                  <CoveragePane
                    coverage={coverage}
                    labelOf={(id) => view.storyById(id)?.label ?? id}
                    onSelectInteraction={selectInteraction}
                    {...(checked ? { onCopySummary: copySummary } : {})}
                    {...(live ? {} : { emptyText: checked ? 'The imported file holds no Callback or SendMessage.' : 'Checking the session…' })}
                    missing={state.imported?.settings ? missingRequired(coverage, state.imported.settings.require) : []}
                    copied={copied}
                  />
                ) : (
                  <FindingsPane
                    findings={view.report.findings}
                    ruleInfo={ruleInfo}
                    interactionLabel={(id) => view.storyById(id)?.label ?? id}
                    onSelect={select}
                    focus={focusSeverity}
                  />
                )}
              </div>
            </section>
          </div>
        </main>
      )}
      {commands && (
        <CommandsDrawer
          commands={commands}
          disabled={commandsDisabled(state)}
          plugins={drawerPlugins(state.live.plugins)}
          waitFor={(match, after, ms) => waitForEntry(store, match, after, ms)}
          lastSeq={() => store.lastSeq()}
        />
      )}
      {dragging && <div class="drop-overlay">Drop a session file to import it</div>}
      {dialog === 'settings' && (
        <SettingsDialog
          rules={rules}
          options={state.options}
          onClose={() => setDialog(null)}
          onSave={(o) => {
            actions.saveSettings(o)
            setDialog(null)
          }}
        />
      )}
      {dialog === 'rules' && <RulesDialog rules={rules} severities={(state.imported?.settings?.options ?? state.options).severities} onClose={() => setDialog(null)} />}
    </div>
  )
}

/**
 * The handle between the timeline and the list: drag it to give the timeline more or less room
 * (double-click: back to automatic). Keyboard: arrow up/down by 20 px.
 */
function SplitHandle({ onResize }: { onResize(height: number | null): void }) {
  const drag = useRef<{ y: number; height: number } | null>(null)
  const timelineOf = (el: HTMLElement): HTMLElement | null => el.previousElementSibling as HTMLElement | null
  const resizeBy = (el: HTMLElement, dy: number, from?: number): void => {
    const main = el.parentElement
    const current = from ?? timelineOf(el)?.getBoundingClientRect().height ?? 200
    const max = Math.max(120, (main?.getBoundingClientRect().height ?? 600) - 120)
    onResize(Math.round(Math.max(80, Math.min(max, current + dy))))
  }
  return (
    <div
      class="split-handle"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the timeline"
      tabIndex={0}
      data-testid="split-handle"
      title="Drag to resize the timeline; double-click to size it automatically"
      onPointerDown={(e) => {
        const t = timelineOf(e.currentTarget)
        drag.current = { y: e.clientY, height: t?.getBoundingClientRect().height ?? 200 }
        e.currentTarget.setPointerCapture?.(e.pointerId)
      }}
      onPointerMove={(e) => {
        const d = drag.current
        if (d) resizeBy(e.currentTarget, e.clientY - d.y, d.height)
      }}
      onPointerUp={() => (drag.current = null)}
      onDblClick={() => onResize(null)}
      onKeyDown={(e) => {
        if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return
        e.preventDefault()
        resizeBy(e.currentTarget, e.key === 'ArrowUp' ? -20 : 20)
      }}
    />
  )
}
