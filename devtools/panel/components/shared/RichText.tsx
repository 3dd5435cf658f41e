// Panel. Renders rule texts that mark code with `backticks` as text nodes and <code> elements:
// never as HTML, so nothing in a rule or a page value can inject markup.
export function RichText({ text }: { text: string }) {
  const parts = text.split('`')
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>
}
