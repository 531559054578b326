import { Badge, Tooltip } from '@mantine/core'
import { networkName } from './network-name'

/** Marks data read on another network than the header's: it is old until the new network answers. */
export function StaleMark({ from, what = 'These figures' }: { from: string | null; what?: string }) {
  if (!from) return null
  return (
    <Tooltip label={`${what} were read on ${networkName(from)} before you switched networks; they update when the new network answers.`} multiline w={280}>
      <Badge color="orange" variant="light" data-testid="stale-mark">
        Old: from {networkName(from)}
      </Badge>
    </Tooltip>
  )
}
