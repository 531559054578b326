import { contextBridge, ipcRenderer } from 'electron'
import { createPreloadBridge } from './create-bridge'

contextBridge.exposeInMainWorld('taodesk', createPreloadBridge(ipcRenderer))
