// Panel. Renders rule texts that mark code with `backticks` as text nodes and <code> elements:
// never as HTML, so nothing in a rule or a page value can inject markup.
export function RichText({ text }: { text: string }) {
  const parts = text.split('`')
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>
}

/** A rule's explanation and its fix, as the finding card and the HTML report show them. */
export function RuleExplanation({ rule }: { rule: { explanation: string; fix: string } }) {
  return (
    <p class="explain">
      <RichText text={rule.explanation} /> <em>Fix: </em>
      <RichText text={rule.fix} />
    </p>
  )
}
