// `node --import ./scripts/dev/register.js file.ts`: runs TypeScript sources (typescript-hooks.js).
import {register} from 'node:module'

register('./typescript-hooks.js', import.meta.url)
