/** One line of guidance text and the tools it names; shown only to a reader who has them all. */
export interface GuidanceLine {
  readonly text: string;
  readonly tools: readonly string[];
  /** Shown only when the reader has none of these (a fallback for missing tools). */
  readonly withoutTools?: readonly string[];
  /** Shown only when the reader has at least one of these (a rule about a family of tools). */
  readonly anyOf?: readonly string[];
}

/** A heading and its lines; the heading is left out when none of its lines are. */
export interface GuidanceSection {
  readonly heading?: string;
  readonly lines: readonly (GuidanceLine | string)[];
}

/**
 * Tagged template for a guidance line: every interpolated value is a tool name, so a line cannot
 * mention a tool without depending on it. ``guide`Call ${'get_instance_info'} first.` ``
 */
export function guide(strings: TemplateStringsArray, ...tools: string[]): GuidanceLine {
  const text = strings.reduce((joined, part, index) => joined + tools[index - 1] + part);
  return { text, tools };
}

/** A fallback line for readers who have none of `tools`; it must not name them. */
export function without(tools: readonly string[], text: string): GuidanceLine {
  return { text, tools: [], withoutTools: tools };
}

/** A rule about a family of tools, for readers who have at least one; it must not name them. */
export function withAny(tools: readonly string[], text: string): GuidanceLine {
  return { anyOf: tools, text, tools: [] };
}

export function isShown(line: GuidanceLine | string, available: ReadonlySet<string>): boolean {
  if (typeof line === 'string') return true;
  return (
    line.tools.every((tool) => available.has(tool)) &&
    (line.withoutTools ?? []).every((tool) => !available.has(tool)) &&
    (line.anyOf === undefined || line.anyOf.some((tool) => available.has(tool)))
  );
}

/** The sections' text for a reader with `available` tools, sections separated by a blank line. */
export function renderGuidance(
  sections: readonly GuidanceSection[],
  available: ReadonlySet<string>,
): string {
  const blocks: string[] = [];
  for (const section of sections) {
    const lines = section.lines
      .filter((line) => isShown(line, available))
      .map((line) => (typeof line === 'string' ? line : line.text));
    if (lines.length === 0) continue;
    blocks.push([...(section.heading ? [section.heading] : []), ...lines].join('\n'));
  }
  return blocks.join('\n\n');
}
