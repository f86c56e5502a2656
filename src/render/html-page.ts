/**
 * The page every HTML report shares (diagnose, compare, correlate): one self-contained file that
 * opens offline and can be mailed to a vendor. Inline CSS and SVG only, no script at all (the
 * Content-Security-Policy forbids any), and every string from a capture or a report is escaped, so
 * nothing in a capture is ever markup.
 */
import { cleanText, escapeHtml } from "../util/html.js";
import { REPORT_CSS } from "./report-html-css.js";

/** Escape for text and attributes, after removing controls and bidi overrides. */
export const e = (s: string): string => escapeHtml(cleanText(s));

/** Turns any string into something usable as an element id (ids end up inside href="#..."). */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, "-");
}

export interface HtmlPage {
  /** Plain text (escaped here); " · tcpsleuth" is appended. */
  title: string;
  /** Plain text for the generator meta tag, e.g. "tcpsleuth 0.1.0". */
  generator: string;
  /** Markup, already escaped by the caller. */
  body: string;
  /** Markup for the footer, before the sentence about the file being self-contained. */
  footer: string;
  /** Class of <body> (layout variants in report-html-css.ts). */
  bodyClass?: string;
}

export function renderHtmlPage(p: HtmlPage): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${e(p.generator)}">
<title>${e(p.title)} · tcpsleuth</title>
<style>${REPORT_CSS}</style>
</head>
<body${p.bodyClass ? ` class="${e(p.bodyClass)}"` : ""}>
<main>
${p.body}
<footer>${p.footer} This file is self-contained: it loads nothing from the network.</footer>
</main>
</body>
</html>
`;
}
