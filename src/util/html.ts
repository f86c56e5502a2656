/**
 * Escaping for HTML and inline SVG. Everything that comes from a capture (addresses, file names,
 * comments, tags) or from a report is untrusted: a pcapng comment can say `<script>`. Escaping the
 * five characters below makes any string inert both as element text and inside a quoted attribute,
 * in HTML and in SVG embedded in HTML (the HTML parser handles both the same way).
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Text safe for element content and for attribute values quoted with " or '. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Replaces characters that could make displayed text lie: C0/C1 controls (ANSI escape sequences in
 * a terminal), and bidirectional overrides (which can reorder what a reader sees, "Trojan Source").
 * Newlines and tabs are kept. Used on capture strings before they reach any renderer.
 */
export function cleanText(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, "\uFFFD");
}
