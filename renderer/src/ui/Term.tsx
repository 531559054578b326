import { Tooltip } from '@mantine/core'
import type { ReactNode } from 'react'
import { GLOSSARY, GLOSSARY_LABEL } from './glossary'
import type { GlossaryWord } from './glossary'

/** A jargon word with its short explanation on hover or focus (dotted underline marks it). */
export function Term({ word, children }: { word: GlossaryWord; children?: ReactNode }) {
  return (
    <Tooltip label={GLOSSARY[word]} multiline w={320} withArrow events={{ hover: true, focus: true, touch: true }}>
      <span tabIndex={0} data-term={word} style={{ textDecoration: 'underline dotted', textUnderlineOffset: 3, cursor: 'help' }}>
        {children ?? GLOSSARY_LABEL[word]}
      </span>
    </Tooltip>
  )
}
