import '@mantine/core/styles.css'
import { MantineProvider } from '@mantine/core'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { theme } from './app/theme'
import { EngineConnection } from './engine/engine-connection'
import { EngineProvider } from './engine/engine-context'

const engine = EngineConnection.forThisPage()

// Errors in the page are worth a line in the engine log, where users and support look first.
window.addEventListener('error', (e) => {
  void engine.call('logs.report', { level: 'error', message: `UI error: ${String(e.message).slice(0, 1500)}` }).catch(() => {})
})

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <EngineProvider engine={engine}>
        <App />
      </EngineProvider>
    </MantineProvider>
  </StrictMode>,
)
