/**
 * The HTML report's stylesheet, inlined in the page (the report must open offline and be mailed as
 * one file). Calm palette, system fonts, severity colours from palette.ts, and a print layout where
 * scrolling boxes expand and findings do not break across pages.
 */
import { MONO, SANS, SEVERITY_COLOR } from "./palette.js";

export const REPORT_CSS = `
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f4f5f7; --card:#ffffff;
  --error:${SEVERITY_COLOR.error}; --warning:${SEVERITY_COLOR.warning}; --info:${SEVERITY_COLOR.info}; --ok:${SEVERITY_COLOR.ok}; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.55 ${SANS}; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 20px; }
h3 { font-size: 15px; margin: 22px 0 8px; color: #374151; }
code, pre, .mono { font-family: ${MONO}; font-size: 13px; }
code { background: #f3f4f6; border: 1px solid var(--line); border-radius: 4px; padding: 1px 5px; }
a { color: #1d4ed8; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 22px 26px; margin: 18px 0;
  box-shadow: 0 1px 2px rgba(16,24,40,.05); }
.verdict { border-left: 8px solid var(--tone); padding: 24px 28px; }
.verdict .label { display: inline-block; background: var(--tone); color: #fff; font-weight: 700; letter-spacing: .06em;
  font-size: 14px; padding: 5px 12px; border-radius: 6px; }
.verdict h1 { font-size: 24px; margin: 14px 0 10px; font-weight: 650; }
.verdict .meta { color: var(--muted); font-size: 14px; }
.tone-error { --tone: var(--error); } .tone-warning { --tone: var(--warning); }
.tone-info { --tone: var(--info); } .tone-ok { --tone: var(--ok); }
.overview { margin: 16px 0 0; padding: 0; list-style: none; }
.overview li { padding: 6px 0; border-top: 1px solid var(--line); display: flex; gap: 12px; align-items: baseline; }
.overview li:first-child { border-top: 0; }
.overview .who { color: var(--muted); margin-left: auto; font-size: 14px; white-space: nowrap; }
.badge { display: inline-block; min-width: 66px; text-align: center; font-size: 11px; font-weight: 700; letter-spacing: .06em;
  color: #fff; background: var(--tone); border-radius: 4px; padding: 2px 7px; }
.finding { border-top: 5px solid var(--tone); }
.finding header { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 12px; }
.finding header .id { color: var(--muted); font-size: 13px; }
.finding header .count { margin-left: auto; color: var(--muted); font-size: 13px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 16px 0 4px; font-size: 14px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.culprit { font-weight: 700; color: var(--error); }
.summary { font-size: 17px; font-weight: 600; margin: 16px 0 4px; }
.card > .summary:first-child { margin-top: 0; }
.healthy { border-left: 8px solid var(--ok); }
.explain { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; margin-top: 14px; }
.explain section { border-radius: 8px; padding: 14px 16px; }
.explain h3 { margin: 0 0 6px; font-size: 13px; text-transform: uppercase; letter-spacing: .05em; }
.meaning { background: #f8fafc; border: 1px solid var(--line); }
.next { background: #f0fdf4; border: 1px solid #bbf7d0; }
.next h3 { color: #166534; }
.explain p { margin: 0; }
.scroll { overflow: auto; max-height: 760px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
.scroll svg { display: block; }
.scroll.fit { max-height: none; }
.scroll.fit svg.pair { max-width: 100%; height: auto; }
.hint { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
details { margin-top: 12px; }
details > summary { cursor: pointer; color: #374151; font-weight: 600; font-size: 14px; }
pre { background: #f8fafc; border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow: auto; font-size: 12px; line-height: 1.4; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.mono { white-space: nowrap; }
td .to { color: var(--muted); }
td.ids code { display: inline-block; margin: 0 4px 3px 0; white-space: nowrap; }
td.ids a { text-decoration: none; }
tr.has-findings td { background: #fffbeb; }
.table-wrap { overflow-x: auto; }
.checked { list-style: none; padding: 0; margin: 8px 0 0; columns: 2; column-gap: 32px; }
.checked li { padding: 3px 0 3px 26px; position: relative; break-inside: avoid; }
.checked li::before { content: "✓"; position: absolute; left: 4px; color: var(--ok); font-weight: 700; }
.capture dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0 0; font-size: 14px; }
.capture dt { color: var(--muted); }
.capture dd { margin: 0; overflow-wrap: anywhere; }
body.wide main { max-width: 1480px; }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 32px; }
.two-col h3 { margin-top: 10px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 28px; }
@media (max-width: 760px) { .explain, .two-col { grid-template-columns: 1fr; } .checked { columns: 1; } }
@media print {
  body { background: #fff; font-size: 12px; }
  main { max-width: none; padding: 0; }
  .card { box-shadow: none; break-inside: avoid-page; border-color: #d1d5db; }
  .finding { break-inside: auto; }
  .scroll { max-height: none; overflow: visible; border: 0; }
  .scroll svg { max-width: 100%; height: auto; }
  details:not([open]) { display: none; }
  a { color: inherit; text-decoration: none; }
}
`;
