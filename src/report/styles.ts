// Runs everywhere. The report's stylesheet, inlined into the file: the panel's colours (light, and
// dark when the reader's system prefers it), system fonts only (nothing to fetch), print-friendly.
export const REPORT_CSS = `
:root { color-scheme: light dark; --bg: #fff; --bg-alt: #f3f3f3; --fg: #1f1f1f; --muted: #5f6368; --border: #d0d0d0;
  --accent: #1a73e8; --error: #d93025; --error-bg: #fce8e6; --warning: #b06000; --warning-dot: #f29900; --warning-bg: #fef7e0;
  --info: #1967d2; --info-bg: #e8f0fe; --ok: #188038; --ok-bg: #e6f4ea; --bar: #9aa0a6; --bar-open: #c6c9cc;
  --shipped: #7b61ff; --documented: #12a4af; --mark: #5f6368; }
@media (prefers-color-scheme: dark) { :root { --bg: #202124; --bg-alt: #292a2d; --fg: #e3e3e3; --muted: #9aa0a6; --border: #3c4043;
  --accent: #8ab4f8; --error: #f28b82; --error-bg: #4a2020; --warning: #fdd663; --warning-dot: #fbbc04; --warning-bg: #42381a;
  --info: #8ab4f8; --info-bg: #1f2d44; --ok: #81c995; --ok-bg: #1e3a27; --bar: #80868b; --bar-open: #5f6368;
  --shipped: #b39dff; --documented: #4ecdd4; --mark: #bdc1c6; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Ubuntu, sans-serif; }
.report { max-width: 920px; margin: 0 auto; padding: 16px 24px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; } h1 .title { font-size: 16px; font-weight: normal; color: var(--muted); margin-left: 8px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 4px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.verdict { padding: 14px 18px; border-radius: 8px; border-left: 6px solid; }
.verdict p { margin: 0; }
.verdict-fail { background: var(--error-bg); border-color: var(--error); } .verdict-fail h1 { color: var(--error); }
.verdict-warn { background: var(--warning-bg); border-color: var(--warning-dot); } .verdict-warn h1 { color: var(--warning); }
.verdict-pass { background: var(--ok-bg); border-color: var(--ok); } .verdict-pass h1 { color: var(--ok); }
.verdict .missing { color: var(--error); font-weight: 600; }
.verdict .loss { color: var(--warning); font-weight: 600; margin: 4px 0 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--border); overflow-wrap: anywhere; }
table.others td:first-child { white-space: nowrap; }
table.env th { width: 150px; font-weight: 600; color: var(--muted); }
ol.pages { margin: 0; padding-left: 20px; }
.story { border: 1px solid var(--border); border-left: 4px solid var(--ok); border-radius: 6px; padding: 10px 12px; margin: 12px 0; page-break-inside: avoid; }
.story-error { border-left-color: var(--error); } .story-warning { border-left-color: var(--warning-dot); }
.sentence { margin: 2px 0; font-weight: 500; } .steps { margin: 2px 0 6px; color: var(--muted); overflow-wrap: anywhere; }
.outcome { font-size: 11px; font-weight: 600; padding: 1px 6px; border-radius: 8px; background: var(--bg-alt); color: var(--muted); vertical-align: middle; }
/* Green only for an interaction without an error or a warning: "completed" beside an error is not a pass. */
.outcome-completed { background: var(--ok-bg); color: var(--ok); } .outcome-flagged { background: var(--bg-alt); color: var(--muted); }
.outcome-no-outcome { background: var(--error-bg); color: var(--error); }
.note-count { font-size: 12px; color: var(--accent); margin-left: 8px; font-weight: normal; }
.timeline-box { overflow-x: auto; }
svg.timeline { display: block; width: 100%; min-width: 640px; height: auto; margin: 4px 0; font: 10px system-ui, sans-serif; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 12px; margin: 4px 0 8px; }
.legend-item { display: inline-flex; align-items: center; gap: 3px; white-space: nowrap; }
svg .tick line { stroke: var(--border); stroke-width: 1; } svg .tick text { fill: var(--muted); }
svg .pageload { stroke: var(--accent); stroke-dasharray: 4 3; }
svg .bar { fill: var(--bar); } svg .bar.open { fill: var(--bar-open); }
svg .minimized { fill: var(--info-bg); stroke: var(--info); stroke-dasharray: 2 2; }
svg .mark circle { fill: var(--mark); stroke: var(--bg); stroke-width: 2; }
svg .mark.sev-error circle { fill: var(--error); } svg .mark.sev-warning circle { fill: var(--warning-dot); }
svg .mark.sev-info circle { stroke: var(--info); }
svg .phase { fill: var(--fg); text-anchor: middle; }
svg .mark.failure rect { fill: var(--error); stroke: var(--bg); stroke-width: 2; } svg .mark.failure .phase { fill: var(--error); }
svg .note-flag { fill: var(--accent); stroke: var(--accent); }
svg .el-shipped rect { fill: var(--shipped); } svg .el-shipped text { fill: var(--shipped); }
svg .el-documented rect { fill: var(--documented); } svg .el-documented text { fill: var(--documented); }
/* A halo in the page's colour: a page-load line drawn under a label no longer strikes it through. */
svg .phase, svg .el-shipped text, svg .el-documented text { paint-order: stroke; stroke: var(--bg); stroke-width: 3px; stroke-linejoin: round; }
ul.findings, ul.notes { list-style: none; padding: 0; margin: 6px 0 0; }
.finding { padding: 3px 0; border-top: 1px dotted var(--border); overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 6px; border-radius: 8px; }
.badge.sev-error { background: var(--error-bg); color: var(--error); } .badge.sev-warning { background: var(--warning-bg); color: var(--warning); }
.badge.sev-info { background: var(--info-bg); color: var(--info); } .badge.req { background: var(--bg-alt); color: var(--muted); margin-left: 6px; }
.rule { border-left: 4px solid var(--border); padding: 6px 12px; margin: 10px 0; background: var(--bg-alt); border-radius: 4px; }
.sev-border-error { border-left-color: var(--error); } .sev-border-warning { border-left-color: var(--warning-dot); } .sev-border-info { border-left-color: var(--info); }
.explain { margin: 4px 0; }
table.coverage td { overflow-wrap: break-word; } table.coverage td:nth-child(2) { white-space: nowrap; }
table.coverage .tick { width: 24px; font-weight: 700; text-align: center; }
.cov-covered .tick { color: var(--ok); } .cov-missing .tick { color: var(--error); } .cov-not-applicable { color: var(--muted); }
.note { padding: 4px 0; border-top: 1px dotted var(--border); } .note-icon { color: var(--accent); }
.note-text { white-space: pre-wrap; overflow-wrap: anywhere; margin-left: 18px; }
a { color: var(--accent); }
footer { margin-top: 32px; border-top: 1px solid var(--border); padding-top: 8px; }
@media (max-width: 560px) { .report { padding: 12px 10px 32px; } table.env th { width: 96px; } table.coverage td:nth-child(2) { white-space: normal; } }
@media print { .story, .rule { break-inside: avoid; } body { font-size: 12px; } }
`
