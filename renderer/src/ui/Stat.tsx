import { Card, Text } from '@mantine/core'
import type { MantineSize } from '@mantine/core'
import type { ReactNode } from 'react'

/** One figure with its label (and a short hint under it), as the pages show them in grids. */
export function Stat({ label, value, hint, testId, framed = false, size = 'lg' }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string; framed?: boolean; size?: MantineSize }) {
  const body = (
    <>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} size={size} data-testid={testId} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </>
  )
  return framed ? (
    <Card withBorder padding="sm">
      {body}
    </Card>
  ) : (
    <div>{body}</div>
  )
}
