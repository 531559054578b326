import { Alert } from '@mantine/core'

/** Shown in place of a page whose code could not be fetched from the engine. */
export function PageLoadFailed() {
  return (
    <Alert color="yellow" title="This page could not be loaded" data-testid="page-load-failed">
      TaoDesk could not fetch this page from the engine: it stopped or was restarted. Once it is back (see the message above), reload the tab or open the address that
      {' '}<b>taodesk serve</b> printed.
    </Alert>
  )
}
